import { AlertmanagerChannel, amAlert, type AmAlert } from './channels/alertmanager.js';
import type { ChannelFactory } from './channels/factory.js';
import type { Log } from './log.js';
import { deliveryId } from './plan.js';
import { targetsOf, type RuleDirectory } from './routing.js';
import type { AlertRecord, NotifierStore } from '../store/notify/types.js';

/**
 * Re-posts every live alert to Alertmanager (as Prometheus does each evaluation), so its
 * resolve timeout never closes an alert that is still firing. Only alerts whose firing
 * delivery was sent are re-posted, and silenced ones are left to end.
 */
export class AlertmanagerReposter {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly o: { store: NotifierStore; routes: RuleDirectory; factory: ChannelFactory; everyMs: number; clock: () => number; log: Log }) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.once().catch((err: unknown) => this.o.log('warn', 'Alertmanager re-post failed; next round retries', { error: (err as Error).message })).finally(() => { this.running = undefined; });
    }, this.o.everyMs);
    this.timer.unref();
  }

  async once(): Promise<number> {
    const byChannel = new Map<AlertmanagerChannel, AmAlert[]>();
    const live: AlertRecord[] = [];
    for (const state of ['firing', 'escalated'] as const) {
      let cursor: string | undefined;
      do {
        const page = await this.o.store.alerts({ state, limit: 200, ...(cursor ? { cursor } : {}) });
        live.push(...page.alerts);
        cursor = page.next;
      } while (cursor);
    }
    const now = this.o.clock();
    for (const a of live) {
      const route = this.o.routes.lookup(a.ruleUid, a.rule);
      if (!route) continue;
      for (const tg of targetsOf(route).filter((x) => x.kind === 'alertmanager')) {
        const firing = await this.o.store.delivery(deliveryId(a.id, 'firing', tg.target));
        if (firing?.status !== 'sent') continue;
        const ch = await this.o.factory.get(tg).catch(() => undefined);
        if (!(ch instanceof AlertmanagerChannel)) continue;
        const last = a.transitions[a.transitions.length - 1]!;
        const list = byChannel.get(ch) ?? [];
        list.push(amAlert(a, last, this.o.factory.defaults.uiUrl, now, this.o.factory.defaults.alertmanagerTtlMs));
        byChannel.set(ch, list);
      }
    }
    let n = 0;
    for (const [ch, alerts] of byChannel) {
      await ch.postAlerts(alerts);
      n += alerts.length;
    }
    return n;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
