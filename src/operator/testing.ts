import type { HerdRule, HerdRuleSpec } from '../rules/schema.js';
import type { Clock } from './clock.js';

/** A rule as the API server returns it (defaults applied), for unit tests and golden files. */
export function sampleRule(over: { name?: string; namespace?: string; generation?: number; spec?: Partial<HerdRuleSpec> } = {}): HerdRule {
  const spec: HerdRuleSpec = {
    description: 'Tell merchandising when a sneaker suddenly trends',
    source: { eventTypes: ['view', 'add_to_cart', 'purchase'], match: { category: ['sneakers'] } },
    key: 'productId',
    weights: { view: 1, add_to_cart: 3, purchase: 5 },
    detector: { type: 'surge', window: '5m', bucket: '10s', allowedLateness: '30s', baselineHalfLife: '6h', minEvents: 50, minLift: 3, sensitivity: 4, cooldown: '30m' },
    severity: 'warning',
    channels: [{ slack: { webhookSecretRef: { name: 'slack-trending', key: 'url' } } }],
    parallelism: 2,
    paused: false,
    ...over.spec,
  };
  return {
    apiVersion: 'herdwatch.io/v1alpha1',
    kind: 'HerdRule',
    metadata: {
      name: over.name ?? 'sneaker-surge',
      namespace: over.namespace ?? 'shop',
      uid: '6f1c2d9e-5b7a-4c3e-9a10-2b4d6f8a0c11',
      generation: over.generation ?? 3,
      resourceVersion: '4711',
    },
    spec,
  };
}

/** A clock whose time moves only when the test says so; timers fire in order. */
export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.UTC(2026, 10, 21, 12, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time forward, firing due timers in time order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = [...this.timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }

  /** Moves time forward without firing timers: a process that was stopped (SIGSTOP) and resumed. */
  jump(ms: number): void {
    this.t += ms;
  }

  get pending(): number {
    return this.timers.size;
  }
}
