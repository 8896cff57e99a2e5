import { postEvents } from '../../src/api/client.js';
import type { OptionSpecs } from '../../src/config/options.js';
import { HwError } from '../../src/errors.js';
import { enrich } from '../../src/events/enrich.js';
import type { HerdEvent } from '../../src/events/schema.js';
import { createKafka } from '../../src/kafka/client.js';
import { KAFKA_CONNECTION_OPTIONS, KAFKA_TOPIC_OPTIONS, kafkaSettingsFrom } from '../../src/kafka/config.js';
import type { Logger } from '../../src/log/logger.js';
import { KafkaEventSink } from '../../src/kafka/event-sink.js';

/** Where `replay --to` and `simulate` send events: a HerdWatch API, or straight to Kafka. */
// The shared Kafka options, except that brokers come from the flag only: a HERDWATCH_KAFKA_BROKERS
// meant for the services must not turn `replay` into "send to Kafka".
const { 'kafka-brokers': _brokers, ...KAFKA_REST } = KAFKA_CONNECTION_OPTIONS;

export const TARGET_OPTIONS = {
  to: { type: 'string', env: 'HERDWATCH_API_URL', description: 'HerdWatch API to send the events to (http://host:port)' },
  token: { type: 'string', env: 'HERDWATCH_TOKEN', description: 'Bearer token with role ingest, for --to' },
  'kafka-brokers': { type: 'string', description: 'Produce straight to Kafka (host:port,...) instead of an API; enriched here as the API would' },
  ...KAFKA_REST,
  'events-topic': KAFKA_TOPIC_OPTIONS['events-topic'],
} as const satisfies OptionSpecs;

export interface SendTarget {
  readonly name: string;
  send(events: readonly HerdEvent[]): Promise<{ accepted: number; rejected: number; retries: number }>;
  close(): Promise<void>;
}

export async function openTarget(
  o: { to?: string | undefined; token?: string | undefined; 'kafka-brokers'?: string | undefined; 'events-topic': string; 'kafka-connect-timeout'?: number; 'kafka-request-timeout'?: number },
  env: Readonly<Record<string, string | undefined>>,
  signal: AbortSignal,
  logger?: Logger,
): Promise<SendTarget> {
  if (o.to !== undefined && o['kafka-brokers'] !== undefined) {
    throw new HwError('HW_ERR_USAGE', { field: '--to/--kafka-brokers', expected: 'one of them', message: 'give either an API URL or Kafka brokers, not both' });
  }
  if (o['kafka-brokers'] !== undefined) {
    const settings = kafkaSettingsFrom(o, env, { topics: { events: o['events-topic'] } });
    const sink = new KafkaEventSink(createKafka(settings, logger), { topic: o['events-topic'] });
    await sink.connect();
    return {
      name: `Kafka ${settings.brokers.join(',')} topic ${o['events-topic']}`,
      async send(events) {
        const now = Date.now();
        await sink.send(events.map((e) => enrich(e, { now })));
        return { accepted: events.length, rejected: 0, retries: 0 };
      },
      close: () => sink.close(),
    };
  }
  const url = o.to ?? 'http://127.0.0.1:8080';
  return {
    name: url,
    send: (events) => postEvents(events, { url, ...(o.token ? { token: o.token } : {}), signal }),
    close: async () => undefined,
  };
}
