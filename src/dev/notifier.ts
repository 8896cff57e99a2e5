import type { Registry } from 'prom-client';
import type { LoadedRule } from '../rules/index.js';
import type { Logger } from '../log/logger.js';
import { pinoLog } from '../notifier/log.js';
import { Notifier } from '../notifier/notifier.js';
import { CHANNEL_OPTIONS, channelDefaultsFrom } from '../notifier/options.js';
import { StaticRuleDirectory } from '../notifier/routing.js';
import { routesFromLoaded } from '../notifier/kube-rules.js';
import { LocalSecrets } from '../notifier/secrets.js';
import type { OptionSpecs, ResolvedOptions } from '../config/options.js';
import { MemoryNotifierStore } from '../store/notify/memory.js';
import { MongoNotifierStore } from '../store/notify/mongo.js';
import type { ChannelKind, NotifierStore } from '../store/notify/types.js';

/** `dev`'s notifier flags: without them every channel only prints what it would send. */
export const DEV_NOTIFIER_OPTIONS = {
  ...CHANNEL_OPTIONS,
  'slack-webhook': { type: 'string', env: 'HERDWATCH_SLACK_WEBHOOK', description: 'Deliver Slack channels for real, to this incoming webhook (replaces every rule\'s Slack secret)' },
  webhooks: { type: 'boolean', env: 'HERDWATCH_DEV_WEBHOOKS', default: false, description: 'Deliver webhook channels for real (secrets from HERDWATCH_SECRET_* or --secrets-dir)' },
  'secrets-dir': { type: 'string', env: 'HERDWATCH_SECRETS_DIR', description: 'Channel secrets as files <dir>/<namespace>/<name>/<key>' },
} as const satisfies OptionSpecs;

export interface DevNotifier {
  readonly notifier: Notifier;
  readonly store: NotifierStore;
  /** One line for the start banner: what is delivered and what is printed. */
  readonly summary: string;
  stop(): Promise<void>;
}

export async function startDevNotifier(o: ResolvedOptions<typeof DEV_NOTIFIER_OPTIONS>, deps: {
  rules: readonly LoadedRule[]; registry: Registry; env: Readonly<Record<string, string | undefined>>; out: (line: string) => void; logger: Logger;
  /** Where links point without --ui-url: dev's own address, known once it listens. */
  listenAddress: () => string;
}): Promise<DevNotifier> {
  const print = new Set<ChannelKind>();
  if (!o['slack-webhook']) print.add('slack');
  if (!o.smtp) print.add('email');
  if (!o['alertmanager-url']) print.add('alertmanager');
  if (!o.webhooks) print.add('webhook');
  const store = o.mongodb ? new MongoNotifierStore({ uri: o.mongodb }) : new MemoryNotifierStore();
  const notifier = new Notifier({
    store, registry: deps.registry, routes: new StaticRuleDirectory(routesFromLoaded(deps.rules)),
    secrets: new LocalSecrets(deps.env, o['secrets-dir']), log: pinoLog(deps.logger),
    channels: channelDefaultsFrom(o, {
      print: { kinds: print, out: (line) => deps.out(`  notify: ${line}`) }, ...(o['slack-webhook'] ? { slackWebhook: o['slack-webhook'] } : {}),
      uiUrl: () => o['ui-url'] ?? deps.listenAddress(),
    }),
  });
  await notifier.start();
  const real = (['slack', 'email', 'alertmanager', 'webhook'] as const).filter((k) => !print.has(k));
  return {
    notifier, store,
    summary: `notifier in-process (${o.mongodb ? 'MongoDB' : 'in memory'}): ${real.length ? `delivers ${real.join(', ')}` : 'prints what it would send'}${print.size && real.length ? `; prints ${[...print].join(', ')}` : ''}`,
    async stop() {
      await notifier.stop();
      await store.close();
    },
  };
}
