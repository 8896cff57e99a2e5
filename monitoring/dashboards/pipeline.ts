import { RATE, RULE, type DashboardSpec } from './spec.js';

const quantile = (q: number, metric: string) =>
  `histogram_quantile(${q}, sum by (rule, le) (rate(${metric}_bucket{${RULE}}[${RATE}])))`;

export const pipeline: DashboardSpec = {
  uid: 'herdwatch-pipeline',
  file: 'pipeline',
  title: 'HerdWatch / Pipeline',
  description: 'Are the detectors keeping up with Kafka? Lag in seconds and records, throughput, batch and commit times, replays after rebalances, event-time health.',
  ruleVariable: true,
  rows: [{
    title: 'Lag',
    panels: [
      {
        title: 'Consumer lag (seconds) per rule', unit: 's',
        answers: 'How far behind each rule\'s detector is in time, as the detector sees it and as the broker sees its group (the latter still shows when the detector is down).',
        queries: [
          { expr: `max by (rule) (herdwatch_detector_consumer_lag_seconds{${RULE}})`, legend: '{{rule}} (detector)' },
          { expr: 'max by (group) (herdwatch_consumer_group_lag_seconds)', legend: '{{group}} (group, from the broker)' },
        ],
      },
      {
        title: 'Consumer lag (records) per rule and partition', unit: 'short',
        answers: 'How many records wait on each partition; one partition far above the others points at a hot key or a stuck member.',
        queries: [
          { expr: `sum by (rule, partition) (herdwatch_detector_consumer_lag_offsets{${RULE}})`, legend: '{{rule}} p{{partition}}' },
          { expr: 'sum by (group) (herdwatch_consumer_group_lag_offsets)', legend: '{{group}} (uncommitted)' },
        ],
      },
    ],
  }, {
    title: 'Throughput',
    panels: [
      {
        title: 'Detector events per second', unit: 'reqps',
        answers: 'How many events each rule\'s engines evaluate.',
        queries: [{ expr: `sum by (rule) (rate(herdwatch_detector_events_total{${RULE}}[${RATE}]))`, legend: '{{rule}}' }],
      },
      {
        title: 'Batch duration', unit: 's',
        answers: 'Time to decode, evaluate, publish and commit one fetched batch (p50 and p99).',
        queries: [
          { expr: quantile(0.5, 'herdwatch_detector_batch_duration_seconds'), legend: '{{rule}} p50' },
          { expr: quantile(0.99, 'herdwatch_detector_batch_duration_seconds'), legend: '{{rule}} p99' },
        ],
      },
      {
        title: 'Commit latency', unit: 's',
        answers: 'Time to commit offsets after a batch is published (p99); slow commits widen the window repeated after a crash.',
        queries: [{ expr: quantile(0.99, 'herdwatch_detector_commit_duration_seconds'), legend: '{{rule}} p99' }],
      },
      {
        title: 'Keys held and state size', unit: 'short',
        answers: 'How many keys each rule holds state for (memory follows it).',
        queries: [{ expr: `sum by (rule) (herdwatch_detector_keys{${RULE}})`, legend: '{{rule}} keys' }],
      },
    ],
  }, {
    title: 'Rebalances and replay',
    panels: [
      {
        title: 'Replay progress', unit: 'percentunit',
        answers: 'After a partition is assigned, how much of the history needed to rebuild its windows is replayed (1 = live and alerting again).',
        queries: [{ expr: `min by (rule, partition) (herdwatch_detector_replay_progress_ratio{${RULE}})`, legend: '{{rule}} p{{partition}}' }],
      },
      {
        title: 'Replayed events and rebalances', unit: 'short',
        answers: 'How much work rebalances cost: events replayed silently, and group joins.',
        queries: [
          { expr: `sum by (rule) (increase(herdwatch_detector_replayed_events_total{${RULE}}[${RATE}]))`, legend: '{{rule}} replayed' },
          { expr: `sum by (rule) (herdwatch_detector_assigned_partitions{${RULE}})`, legend: '{{rule}} partitions held' },
        ],
      },
    ],
  }, {
    title: 'Event time',
    panels: [
      {
        title: 'Watermark delay', unit: 's',
        answers: 'Now minus each rule\'s event-time watermark: flat and small when healthy, growing when it stalls, negative if a bad timestamp dragged it ahead.',
        queries: [{ expr: `max by (rule) (herdwatch_detector_watermark_delay_seconds{${RULE}})`, legend: '{{rule}}' }],
      },
      {
        title: 'Late events', unit: 'reqps',
        answers: 'Events that arrived after their bucket closed (counted, not evaluated); a rise means producers buffer or clocks drift.',
        queries: [{ expr: `sum by (rule) (rate(herdwatch_detector_late_events_total{${RULE}}[${RATE}]))`, legend: '{{rule}}' }],
      },
      {
        title: 'Malformed records and publish failures', unit: 'short',
        answers: 'Records on the topic that could not be decoded (skipped, to the dead-letter topic if set), and failed writes of alerts/trends.',
        emptyWhen: 'Only HerdWatch\'s API writes the topic (it validates), and Kafka accepted every write: both counters appear with their first event.',
        queries: [
          { expr: `sum by (rule, reason) (increase(herdwatch_detector_malformed_messages_total{${RULE}}[${RATE}]))`, legend: '{{rule}} {{reason}}' },
          { expr: `sum by (rule) (increase(herdwatch_detector_publish_failures_total{${RULE}}[${RATE}]))`, legend: '{{rule}} publish failed' },
        ],
      },
    ],
  }],
};
