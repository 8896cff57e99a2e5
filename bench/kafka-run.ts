/**
 * The streaming pipeline's benchmarks against a real broker, in one run, written into the
 * "Streaming pipeline" section of docs/benchmarks.md:
 *   make bench-kafka                         (starts a broker unless KAFKA_BROKERS is set)
 *   KAFKA_BROKERS=127.0.0.1:19092 tsx bench/kafka-run.ts [--no-write]
 */
import { fileURLToPath } from 'node:url';
import { benchDetector } from './kafka-detector.js';
import { benchIngest } from './kafka-ingest.js';
import { benchLatency } from './kafka-latency.js';
import { fmt } from './kafka/common.js';
import { writeSection } from './quality/section.js';

const DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const SECTION = 'Streaming pipeline';
process.env.HERDWATCH_KAFKA_LOG ??= 'none';

const ingest = await benchIngest();
console.error(ingest.markdown, '\n');
const detector = await benchDetector();
console.error(detector.markdown, '\n');
const sustainable = Math.min(ingest.eventsPerSecond, detector.detectorPerSecond);
const latency = await benchLatency({ rate: sustainable / 2 });
console.error(latency.markdown, '\n');

const body = [
  `Apache Kafka ${process.env.HW_KAFKA_VERSION ?? '4.4.0'} (single KRaft node on loopback, \`make kafka-up\`), kafkajs 2.2.4, Node 24, measured by \`make bench-kafka\``,
  `on ${new Date().toISOString().slice(0, 10)}. The machine is shared with other work while it runs: the load average is given with each figure.`,
  '',
  '### Ingestion',
  '',
  ingest.markdown,
  '',
  '### Detector',
  '',
  detector.markdown,
  '',
  '### End-to-end latency',
  '',
  `Half the sustainable rate: the lower of ingestion (${fmt(ingest.eventsPerSecond)} events/s) and detector (${fmt(detector.detectorPerSecond)} events/s) throughput, halved.`,
  '',
  latency.markdown,
].join('\n');
if (!process.argv.includes('--no-write')) {
  await writeSection(DOC, SECTION, body);
  console.error(`wrote section "${SECTION}" of ${DOC}`);
}
process.exit(0);
