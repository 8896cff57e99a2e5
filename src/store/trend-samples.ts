import type { TrendingSnapshot } from '../engine/types.js';

export interface TrendSample {
  readonly t: number;
  readonly value: number;
  readonly baseline: number;
  readonly score: number;
}

/**
 * The engine's expected level (baseline) for keys while they appear in a rule's trending
 * snapshots, with the value and score they were judged with: the drill-down draws the
 * expected band and firing threshold from them. Bounded per key and in keys
 * (least recently seen dropped first), so a long demo's memory stays flat.
 */
export class TrendSamples {
  private readonly byKey = new Map<string, TrendSample[]>();

  constructor(private readonly perKey = 2_000, private readonly maxKeys = 5_000) {}

  record(s: TrendingSnapshot): void {
    for (const e of s.entries) {
      const id = `${s.rule}\u0000${e.key}`;
      const list = this.byKey.get(id) ?? [];
      this.byKey.delete(id);
      const last = list[list.length - 1];
      if (!last || last.t < s.at) list.push({ t: s.at, value: e.value, baseline: e.baseline, score: e.score });
      if (list.length > this.perKey) list.splice(0, list.length - this.perKey);
      this.byKey.set(id, list);
    }
    while (this.byKey.size > this.maxKeys) this.byKey.delete(this.byKey.keys().next().value!);
  }

  of(rule: string, key: string): readonly TrendSample[] {
    return this.byKey.get(`${rule}\u0000${key}`) ?? [];
  }
}
