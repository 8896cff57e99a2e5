/**
 * The server side of the ingest benchmark, in its own process so it does not share an
 * event loop with the load generator:
 *   node --import tsx bench/kafka/server.ts hello
 *   node --import tsx bench/kafka/server.ts api|api-json|api-platformatic|api-memory <brokers> <events topic>
 * api: today's path (HWB1 records packed per partition, kafkajs); api-json: the old path (one
 * JSON record per event); api-platformatic: api over @platformatic/kafka; api-memory: no Kafka
 * (parse, validate, enrich only).
 * Prints the port on stdout once listening, its CPU time (µs) on SIGUSR2; exits on SIGTERM.
 */
import Fastify from 'fastify';
import { buildApi } from '../../src/api/app.js';
import { MemoryQueryStore } from '../../src/store/memory.js';
import { createKafka } from '../../src/kafka/client.js';
import { kafkaSettings } from '../../src/kafka/config.js';
import type { EventSink } from '../../src/bus/types.js';
import { KafkaEventSink } from '../../src/kafka/event-sink.js';
import { platformaticRecordProducer } from './platformatic-producer.js';

const [mode, brokers, topic] = process.argv.slice(2);
let close: () => Promise<void>;
let port: number;
if (mode === 'hello') {
  // The baseline: fastify reading the same body as text and answering, nothing else.
  const app = Fastify({ bodyLimit: 8 * 1024 * 1024 });
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.post('/api/v1/events', async (_req, reply) => reply.code(202).send({ hello: 'world' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
  close = () => app.close();
} else {
  const kafka = createKafka(kafkaSettings({ brokers: brokers!, clientId: 'herdwatch-bench-api' }));
  const sink: EventSink & { connect(): Promise<void>; close(): Promise<void> } = mode === 'api-memory'
    ? { connect: async () => undefined, send: async () => undefined, close: async () => undefined }
    : new KafkaEventSink(kafka, {
      topic: topic!, pack: mode !== 'api-json',
      // The old path as it was: one JSON record per event through one producer.
      ...(mode === 'api-json' ? { producers: 1 } : {}),
      ...(mode === 'api-platformatic' ? { producer: platformaticRecordProducer(brokers!) } : {}),
    });
  await sink.connect();
  const app = await buildApi({ sink, store: new MemoryQueryStore(), settings: { rateLimitPerSec: 0, bodyLimitBytes: 8 * 1024 * 1024, maxInFlight: 1024 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
  close = async () => {
    await app.close();
    await sink.close();
  };
}
process.stdout.write(`${port}\n`);
// The bench asks for this process's CPU time around its measured window (SIGUSR2 → "cpu <µs>").
process.on('SIGUSR2', () => {
  const u = process.cpuUsage();
  process.stdout.write(`cpu ${u.user + u.system}\n`);
});
process.once('SIGTERM', () => void close().finally(() => process.exit(0)));
