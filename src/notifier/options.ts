import { parseDuration } from '../config/duration.js';
import type { OptionSpecs, ResolvedOptions } from '../config/options.js';
import { HwError } from '../errors.js';
import { KAFKA_CONNECTION_OPTIONS, KAFKA_TOPIC_OPTIONS } from '../kafka/config.js';
import { DEFAULT_RETENTION, type ChannelKind, type RetentionPolicy } from '../store/notify/types.js';
import type { ChannelDefaults } from './channels/factory.js';
import { AddressGuard } from './ssrf.js';

/** Channel and store options, declared once; `notifier` takes them all, `dev` the channel ones. */
export const CHANNEL_OPTIONS = {
  'ui-url': { type: 'string', env: 'HERDWATCH_UI_URL', description: 'Base URL of the web app; messages link to <ui-url>/alerts/<id> (default: dev\'s own listen address; the notifier\'s http://127.0.0.1:8080)' },
  smtp: { type: 'string', env: 'HERDWATCH_SMTP_URL', description: 'Default SMTP server for e-mail channels, smtp://user:pass@host:port (smtps:// for TLS)' },
  'mail-from': { type: 'string', env: 'HERDWATCH_MAIL_FROM', default: 'HerdWatch <herdwatch@localhost>', description: 'From address of alert e-mails' },
  'alertmanager-url': { type: 'string', env: 'HERDWATCH_ALERTMANAGER_URL', description: 'Default Alertmanager base URL for alertmanager channels' },
  'slack-api-url': { type: 'string', env: 'HERDWATCH_SLACK_API_URL', description: 'Slack Web API base for bot tokens (default https://slack.com/api/)' },
  mongodb: { type: 'string', env: 'HERDWATCH_MONGODB_URI', description: 'MongoDB URI of the notifier store (alert history, outbox, transactions, KPIs, silences); without it the notifier and dev keep them in memory, and api --bus kafka serves alerts from the topic only' },
} as const satisfies OptionSpecs;

/** Where the notifier store lives: the notifier writes it, `api` reads it (and writes silences). */
export const STORE_OPTIONS = {
  mongodb: CHANNEL_OPTIONS.mongodb,
  'mongodb-db': { type: 'string', env: 'HERDWATCH_MONGODB_DB', description: 'Database name (default: the URI\'s, else herdwatch)' },
} as const satisfies OptionSpecs;

export const NOTIFIER_OPTIONS = {
  ...CHANNEL_OPTIONS,
  'mongodb-db': STORE_OPTIONS['mongodb-db'],
  ...KAFKA_CONNECTION_OPTIONS,
  'alerts-topic': KAFKA_TOPIC_OPTIONS['alerts-topic'],
  'events-topic': KAFKA_TOPIC_OPTIONS['events-topic'],
  group: { type: 'string', env: 'HERDWATCH_NOTIFIER_GROUP', default: 'herdwatch-notifier', description: 'Consumer group on the alerts topic (the KPI writer uses <group>-transactions)' },
  transactions: { type: 'boolean', env: 'HERDWATCH_TRANSACTIONS', default: true, description: 'Also store purchases/payments from the events topic and keep per-minute KPIs' },
  'rules-from': { type: 'string', env: 'HERDWATCH_RULES_FROM', default: 'files', description: 'Where rules (and their channels) come from: files (--rules) or kubernetes (HerdRule resources)' },
  'secrets-dir': { type: 'string', env: 'HERDWATCH_SECRETS_DIR', description: 'Without Kubernetes: channel secrets as files <dir>/<namespace>/<name>/<key> (HERDWATCH_SECRET_<NAME>_<KEY> variables also work)' },
  instance: { type: 'string', env: 'HERDWATCH_INSTANCE', description: 'Stable name of this replica (pod name): on restart it takes its own unfinished claims back at once instead of after the lease' },
  concurrency: { type: 'number', env: 'HERDWATCH_NOTIFIER_CONCURRENCY', default: 8, description: 'Deliveries sent at once' },
  lease: { type: 'string', env: 'HERDWATCH_NOTIFIER_LEASE', default: '60s', description: 'How long a claimed delivery is reserved before another replica may take it' },
  timeout: { type: 'string', env: 'HERDWATCH_NOTIFIER_TIMEOUT', default: '10s', description: 'Per-send timeout' },
  'retry-scale': { type: 'number', env: 'HERDWATCH_RETRY_SCALE', default: 1, description: 'Multiplies every retry delay (tests shrink the Standard Webhooks schedule with 0.001)' },
  'max-attempts': { type: 'number', env: 'HERDWATCH_MAX_ATTEMPTS', default: 12, description: 'Attempts before a Slack, e-mail or Alertmanager delivery is a dead letter (webhooks follow their schedule)' },
  'slack-rate': { type: 'number', env: 'HERDWATCH_SLACK_RATE', default: 1, description: 'Slack messages per second per channel (0: unlimited)' },
  'digest-per-minute': { type: 'number', env: 'HERDWATCH_DIGEST_PER_MINUTE', default: 20, description: 'Above this many alerts a minute on one channel, the rest of the minute is one digest (0: never)' },
  'alertmanager-repost': { type: 'string', env: 'HERDWATCH_ALERTMANAGER_REPOST', default: '1m', description: 'How often live alerts are re-posted to Alertmanager (they end 4 intervals after the last post)' },
  'webhook-allow-cidrs': { type: 'string', env: 'HERDWATCH_WEBHOOK_ALLOW_CIDRS', default: '', description: 'Private ranges webhooks may reach anyway, comma-separated CIDRs (the SSRF guard refuses loopback, private and link-local addresses)' },
  'retain-alerts': { type: 'string', env: 'HERDWATCH_RETAIN_ALERTS', default: '90d', description: 'How long alerts, deliveries and silences are kept' },
  'retain-transactions': { type: 'string', env: 'HERDWATCH_RETAIN_TRANSACTIONS', default: '30d', description: 'How long transactions are kept' },
  'retain-kpis': { type: 'string', env: 'HERDWATCH_RETAIN_KPIS', default: '400d', description: 'How long per-minute KPIs are kept' },
  'sweep-every': { type: 'string', env: 'HERDWATCH_SWEEP_EVERY', default: '1m', description: 'How often the retention sweeper runs (for servers without TTL indexes)' },
  host: { type: 'string', env: 'HERDWATCH_HOST', default: '0.0.0.0', description: 'Address of /metrics, /healthz, /readyz' },
  port: { type: 'number', env: 'HERDWATCH_METRICS_PORT', default: 9464, description: 'Port of /metrics, /healthz, /readyz (0 picks a free one)' },
} as const satisfies OptionSpecs;

export type NotifierValues = ResolvedOptions<typeof NOTIFIER_OPTIONS>;

function positive(n: number, field: string, allowZero = false): number {
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new HwError('HW_ERR_USAGE', { field, expected: allowZero ? 'a number ≥ 0' : 'a number > 0', message: `${n} is out of range` });
  return n;
}

export function channelDefaultsFrom(o: ResolvedOptions<typeof CHANNEL_OPTIONS> & { timeout?: string; 'alertmanager-repost'?: string; 'webhook-allow-cidrs'?: string },
  extra: { print?: { kinds: ReadonlySet<ChannelKind>; out: (line: string) => void }; slackWebhook?: string; uiUrl?: () => string } = {}): ChannelDefaults {
  const repost = parseDuration(o['alertmanager-repost'] ?? '1m', '--alertmanager-repost');
  const { uiUrl, ...rest } = extra;
  // dev learns its address only once it listens (--port 0), after the notifier exists: read it at send time.
  const ui = uiUrl ?? (() => o['ui-url'] ?? 'http://127.0.0.1:8080');
  return {
    get uiUrl() {
      return ui().replace(/\/+$/, '');
    },
    mailFrom: o['mail-from'], timeoutMs: parseDuration(o.timeout ?? '10s', '--timeout'), alertmanagerTtlMs: 4 * repost,
    ...(o.smtp ? { smtpUrl: o.smtp } : {}), ...(o['alertmanager-url'] ? { alertmanagerUrl: o['alertmanager-url'] } : {}),
    ...(o['slack-api-url'] ? { slackApiUrl: o['slack-api-url'] } : {}),
    guard: new AddressGuard((o['webhook-allow-cidrs'] ?? '').split(',')),
    ...rest,
  };
}

export function retentionFrom(o: NotifierValues): RetentionPolicy {
  return {
    alertsMs: parseDuration(o['retain-alerts'], '--retain-alerts') || DEFAULT_RETENTION.alertsMs,
    transactionsMs: parseDuration(o['retain-transactions'], '--retain-transactions') || DEFAULT_RETENTION.transactionsMs,
    kpisMs: parseDuration(o['retain-kpis'], '--retain-kpis') || DEFAULT_RETENTION.kpisMs,
  };
}

export function checkNotifierValues(o: NotifierValues): void {
  positive(o.concurrency, '--concurrency');
  positive(o['retry-scale'], '--retry-scale');
  positive(o['max-attempts'], '--max-attempts');
  positive(o['slack-rate'], '--slack-rate', true);
  positive(o['digest-per-minute'], '--digest-per-minute', true);
  if (o['rules-from'] !== 'files' && o['rules-from'] !== 'kubernetes') throw new HwError('HW_ERR_USAGE', { field: '--rules-from', expected: 'files or kubernetes', message: `"${o['rules-from']}" is not a rule source` });
}
