import { readAll } from '../test/kafka/helpers.js';
import { eventCount } from '../src/kafka/codec.js';
import { loadAvg } from './kafka/machine.js';
import { startServer } from './kafka/child.js';
import { brokers, fmt, freshTopics, shopEvents } from './kafka/common.js';
import { load, type LoadResult } from './kafka/load.js';

export interface IngestFigures {
  readonly batch: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly hello: LoadResult;
  readonly api: LoadResult;
  readonly eventsPerSecond: number;
  readonly markdown: string;
}

const ROWS = [
  ['hello', 'fastify hello-world (reads the body, answers 202)'],
  ['api-memory', 'herdwatch API, no bus (parse, validate, enrich; the sink only counts)'],
  ['api-json', 'herdwatch API → Kafka, old path: one JSON record per event, one producer (kafkajs)'],
  ['api', 'herdwatch API → Kafka: a request\'s events packed per partition into HWB1 records, three idempotent producers (kafkajs)'],
  ['api-platformatic', 'reference: the same API and packing over @platformatic/kafka'],
] as const;

/**
 * Ingestion: NDJSON batches POSTed to the API (parse, validate, enrich, produce with an
 * idempotent producer, 202 after the broker's ack) against a fastify hello-world that
 * reads the same bodies, with the same load generator, in the same run; the old per-event
 * JSON path and the @platformatic/kafka client measured beside it.
 */
export async function benchIngest(opts: { batch?: number; concurrency?: number; seconds?: number } = {}): Promise<IngestFigures> {
  const batch = opts.batch ?? 100;
  const concurrency = opts.concurrency ?? 32;
  const seconds = opts.seconds ?? 10;
  const events = shopEvents(batch * 64, { products: 2000, start: Date.now() - 600_000, spanMs: 600_000 });
  const bodies = Array.from({ length: 64 }, (_, i) => events.slice(i * batch, (i + 1) * batch).map((e) => JSON.stringify(e)).join('\n'));
  const results = new Map<string, { load: LoadResult; cpuPerEvent: number; onTopic?: number }>();
  for (const [mode] of ROWS) {
    const { kafka, topics } = await freshTopics(`bench-ingest-${mode}`);
    const server = await startServer(mode === 'hello' ? ['hello'] : [mode, brokers(), topics.events]);
    let result: LoadResult;
    let cpuPerEvent: number;
    try {
      const common = { port: server.port, path: '/api/v1/events', bodies, contentType: 'application/x-ndjson', concurrency };
      await load({ ...common, seconds: 2 }); // warm-up: JIT, connections, producer metadata
      const cpu0 = await server.cpuMicros();
      result = await load({ ...common, seconds });
      cpuPerEvent = (await server.cpuMicros() - cpu0) / Math.max(1, result.ok * batch);
    } finally {
      await server.stop();
    }
    // What reached the topic, counted in events (a packed record holds many).
    const onTopic = mode === 'api' ? (await readAll(kafka, topics.events)).reduce((n, m) => n + eventCount(m.value), 0) : undefined;
    results.set(mode, { load: result, cpuPerEvent, ...(onTopic === undefined ? {} : { onTopic }) });
    console.error(`  ${mode}: ${fmt(result.perSecond * batch)} events/s`);
  }
  const get = (mode: string) => results.get(mode)!.load;
  const cpu = (mode: string) => results.get(mode)!.cpuPerEvent;
  const hello = get('hello');
  const api = get('api');
  const eventsPerSecond = api.perSecond * batch;
  const apiOnTopic = results.get('api')!.onTopic ?? 0;
  const ratio = (a: LoadResult, b: LoadResult) => (a.perSecond / b.perSecond).toFixed(2);
  const markdown = [
    `Ingestion (\`bench/kafka-ingest.ts\`): ${concurrency} keep-alive connections POST NDJSON bodies of ${batch} events for ${seconds} s`,
    '(after 2 s warm-up) to each server in its own process, one after the other; load generator: bench/kafka/load.ts for all.',
    '',
    '| server | requests/s | events/s | p50 ms | p99 ms | non-2xx | × hello-world | server CPU µs/event |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...ROWS.map(([mode, label]) => {
      const r = get(mode);
      return `| ${label} | ${fmt(r.perSecond)} | ${fmt(r.perSecond * batch)} | ${fmt(r.latencyMs.p50, 1)} | ${fmt(r.latencyMs.p99, 1)} | ${r.failed} | ${ratio(r, hello)} | ${fmt(cpu(mode), 2)} |`;
    }),
    '',
    `**Packed API / old per-event JSON path: ${ratio(api, get('api-json'))}x** events/s (target ≥ 3x). `
      + `**API / hello-world: ${ratio(api, hello)}x**; without a bus the API reaches ${ratio(get('api-memory'), hello)}x. `
      + `@platformatic/kafka / kafkajs, same packing: ${ratio(get('api-platformatic'), api)}x. `
      + `Server CPU per event, packed / old path: ${(cpu('api') / cpu('api-json')).toFixed(2)}x (the old path costs ${(cpu('api-json') / cpu('api')).toFixed(2)}x the CPU; CPU time holds up on a loaded machine where events/s do not).`,
    `${fmt(apiOnTopic)} events on the packed API's topic (≥ the ${fmt(api.ok * batch)} acknowledged in the measured window, plus warm-up). `
      + `Load average at the end: ${loadAvg()}.`,
  ].join('\n');
  return { batch, concurrency, seconds, hello, api, eventsPerSecond, markdown };
}
