import type { Admin, ITopicConfig, Kafka } from 'kafkajs';
import { HwError } from '../errors.js';
import { retrying } from './retry.js';
import type { Topics } from '../bus/types.js';

export interface TopicLayout {
  /** Partitions of the events topic: the ceiling on detector replicas per rule. */
  readonly eventPartitions: number;
  readonly alertPartitions: number;
  readonly replicationFactor: number;
  /** Dead-letter topic for malformed messages; none when absent. */
  readonly deadLetter?: string;
}

export const DEFAULT_LAYOUT: TopicLayout = { eventPartitions: 6, alertPartitions: 3, replicationFactor: 1 };

export function topicConfigs(topics: Topics, layout: TopicLayout = DEFAULT_LAYOUT): ITopicConfig[] {
  const rf = layout.replicationFactor;
  const list: ITopicConfig[] = [
    { topic: topics.events, numPartitions: layout.eventPartitions, replicationFactor: rf },
    // Alerts are keyed by alert id: the firing and the resolved of one alert stay in order.
    { topic: topics.alerts, numPartitions: layout.alertPartitions, replicationFactor: rf },
    // Trends are snapshots keyed by rule: only the latest per rule matters.
    {
      topic: topics.trends, numPartitions: 1, replicationFactor: rf,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.ms', value: '600000' }],
    },
  ];
  if (layout.deadLetter) list.push({ topic: layout.deadLetter, numPartitions: 1, replicationFactor: rf });
  return list;
}

/** `ensureTopics` through a short-lived admin client: what the api and detector commands do at start. */
export async function createMissingTopics(kafka: Kafka, topics: Topics, layout: TopicLayout = DEFAULT_LAYOUT): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, topics, layout);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Creates the topics that are missing and returns once they are usable; existing topics are left as they are.
 *
 * kafkajs's own wait for leaders (`waitForLeaders`) gives up when the broker answers that the
 * topic it has just created is unknown (UNKNOWN_TOPIC_OR_PARTITION: a KRaft broker that has not
 * applied the creation yet, seen in CI), so this waits itself, retrying such answers.
 */
export async function ensureTopics(admin: Admin, topics: Topics, layout: TopicLayout = DEFAULT_LAYOUT): Promise<void> {
  const wanted = topicConfigs(topics, layout);
  try {
    // Every topic missing at the first look is waited for, even if a retried attempt finds it made.
    const created = new Set<string>();
    await retrying(async () => {
      const existing = new Set(await admin.listTopics());
      const missing = wanted.filter((t) => !existing.has(t.topic));
      for (const t of missing) created.add(t.topic);
      // Resolves false when another process created them meanwhile (TOPIC_ALREADY_EXISTS).
      if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: false });
    });
    // Leaders are elected, and the broker serves them, once their offsets can be read.
    for (const topic of created) await retrying(() => admin.fetchTopicOffsets(topic));
  } catch (err) {
    if ((err as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') return;
    throw new HwError('HW_ERR_KAFKA', { message: `cannot create topics: ${(err as Error).message}`, cause: err });
  }
}
