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
  readonly onTopic: number;
  readonly markdown: string;
}

/**
 * Ingestion: NDJSON batches POSTed to the API (parse, validate, enrich, produce with an
 * idempotent producer, 202 after the broker's ack) against a fastify hello-world that
 * reads the same bodies, with the same load generator, in the same run.
 */
export async function benchIngest(opts: { batch?: number; concurrency?: number; seconds?: number } = {}): Promise<IngestFigures> {
  const batch = opts.batch ?? 100;
  const concurrency = opts.concurrency ?? 32;
  const seconds = opts.seconds ?? 10;
  const { kafka, topics } = await freshTopics('bench-ingest');
  const events = shopEvents(batch * 64, { products: 2000, start: Date.now() - 600_000, spanMs: 600_000 });
  const bodies = Array.from({ length: 64 }, (_, i) => events.slice(i * batch, (i + 1) * batch).map((e) => JSON.stringify(e)).join('\n'));
  const drive = async (args: string[]) => {
    const server = await startServer(args);
    try {
      const common = { port: server.port, path: '/api/v1/events', bodies, contentType: 'application/x-ndjson', concurrency };
      await load({ ...common, seconds: 2 }); // warm-up: JIT, connections, producer metadata
      return await load({ ...common, seconds });
    } finally {
      await server.stop();
    }
  };
  const hello = await drive(['hello']);
  const api = await drive(['api', brokers(), topics.events]);
  const admin = kafka.admin();
  await admin.connect();
  const onTopic = (await admin.fetchTopicOffsets(topics.events)).reduce((n, p) => n + Number(p.high), 0);
  await admin.disconnect();
  const eventsPerSecond = api.perSecond * batch;
  const markdown = [
    `Ingestion (\`bench/kafka-ingest.ts\`): ${concurrency} keep-alive connections POST NDJSON bodies of ${batch} events for ${seconds} s`,
    '(after 2 s warm-up) to each server in its own process; load generator: bench/kafka/load.ts for both.',
    '',
    '| server | requests/s | events/s | p50 ms | p99 ms | non-2xx |',
    '|---|---:|---:|---:|---:|---:|',
    `| fastify hello-world (reads the body, answers 202) | ${fmt(hello.perSecond)} | ${fmt(hello.perSecond * batch)} | ${fmt(hello.latencyMs.p50, 1)} | ${fmt(hello.latencyMs.p99, 1)} | ${hello.failed} |`,
    `| herdwatch API → Kafka (parse, validate, enrich, produce, ack) | ${fmt(api.perSecond)} | ${fmt(eventsPerSecond)} | ${fmt(api.latencyMs.p50, 1)} | ${fmt(api.latencyMs.p99, 1)} | ${api.failed} |`,
    '',
    `**API / hello-world: ${(api.perSecond / hello.perSecond).toFixed(2)}x** of the request rate. ${fmt(onTopic)} events on the topic `
      + `(≥ the ${fmt(api.ok * batch)} acknowledged in the measured window, plus warm-up). Load average at the end: ${loadAvg()}.`,
  ].join('\n');
  return { batch, concurrency, seconds, hello, api, eventsPerSecond, onTopic, markdown };
}
