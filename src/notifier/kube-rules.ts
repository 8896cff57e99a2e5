import type { KubeRequester } from '../operator/kube.js';
import type { ChannelSpec } from '../rules/schema.js';
import type { Log } from './log.js';
import { StaticRuleDirectory, type RuleRoute } from './routing.js';

interface HerdRuleList {
  items?: { metadata?: { name?: string; namespace?: string; uid?: string }; spec?: { channels?: ChannelSpec[] } }[];
}

/**
 * On Kubernetes the rules (and so their channels) are HerdRule resources: listed at start
 * and every `everyMs` after. A failed refresh keeps the last list; deliveries are decided at
 * send time, so a rule's new channel list applies to what is still pending.
 */
export class KubeRuleDirectory extends StaticRuleDirectory {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly kube: KubeRequester, private readonly everyMs: number, private readonly log: Log) {
    super();
  }

  async refresh(): Promise<number> {
    const list = await this.kube.request<HerdRuleList>('GET', '/apis/herdwatch.io/v1alpha1/herdrules');
    const routes: RuleRoute[] = (list.items ?? []).flatMap((r) => {
      const m = r.metadata;
      if (!m?.name || !m.namespace) return [];
      return [{ rule: `${m.namespace}/${m.name}`, ruleUid: m.uid ?? `${m.namespace}/${m.name}`, namespace: m.namespace, channels: r.spec?.channels ?? [] }];
    });
    this.replace(routes);
    return routes.length;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) => this.log('warn', 'cannot list HerdRules; keeping the last list', { error: (err as Error).message }));
    }, this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

export function routesFromLoaded(loaded: readonly { rule: { metadata: { name: string; namespace?: string; uid?: string }; spec: { channels?: ChannelSpec[] } }; compiled: { uid: string; namespace: string; name: string } }[]): RuleRoute[] {
  return loaded.map((l) => ({ rule: `${l.compiled.namespace}/${l.compiled.name}`, ruleUid: l.compiled.uid, namespace: l.compiled.namespace, channels: l.rule.spec.channels ?? [] }));
}
