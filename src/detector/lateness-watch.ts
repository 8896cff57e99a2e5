import type { DetectorRunner } from './runner.js';

/** What a user should hear about a rule's event time: late events it dropped, watermark jumps. */
export interface LatenessReport {
  readonly rule: string;
  /** Events that arrived after the rule's watermark had passed their bucket (not counted). */
  readonly late: number;
  /** Times the watermark moved forward by more than `jumpMs` at once. */
  readonly jumps: number;
  /** The largest single jump, ms, with the watermark before and after it (epoch ms). */
  readonly largest?: { readonly from: number; readonly to: number };
}

/**
 * Watches a runner's per-rule statistics between batches. A watermark that leaps ahead
 * (one event far in the future, or a long gap in the data) makes every event behind it late,
 * so both are reported rather than left to a metric nobody reads.
 */
export class LatenessWatch {
  private lastTs = Number.NEGATIVE_INFINITY;
  private readonly minJump: number;
  /** Gaps in the (sorted) input's event time longer than a jump: the largest, and how many. */
  private gaps = 0;
  private largestGap: { from: number; to: number } | undefined;
  private readonly state: { rule: string; jumpMs: number; watermark: number; late: number; jumps: number; largest?: { from: number; to: number } }[];

  constructor(private readonly runner: DetectorRunner, opts: { minJumpMs?: number } = {}) {
    const minJump = opts.minJumpMs ?? 3_600_000;
    this.minJump = minJump;
    this.state = runner.rules.map((r) => ({
      rule: `${r.namespace}/${r.name}`,
      // A jump is more than an hour, or more than twelve windows for rules with long windows.
      jumpMs: Math.max(minJump, 12 * r.detector.windowMs),
      watermark: Number.NEGATIVE_INFINITY, late: 0, jumps: 0,
    }));
  }

  /** Call after each ingest (with its events, in the order fed) or tick. */
  observe(batch: readonly { ts: number }[] = []): void {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const e of batch) {
      if (e.ts < lo) lo = e.ts;
      if (e.ts > hi) hi = e.ts;
      if (Number.isFinite(this.lastTs) && e.ts - this.lastTs > this.minJump) {
        this.gaps++;
        if (this.largestGap === undefined || e.ts - this.lastTs > this.largestGap.to - this.largestGap.from) this.largestGap = { from: this.lastTs, to: e.ts };
      }
      if (e.ts > this.lastTs) this.lastTs = e.ts;
    }
    const stats = this.runner.stats();
    stats.forEach((s, i) => {
      const st = this.state[i];
      if (st === undefined) return;
      st.late = s.lateEvents;
      // A large batch legitimately moves the watermark across its own span; only the rest is a jump.
      const span = hi > lo ? hi - lo : 0;
      if (Number.isFinite(s.watermark) && Number.isFinite(st.watermark) && s.watermark - st.watermark > st.jumpMs + span) {
        st.jumps++;
        if (st.largest === undefined || s.watermark - st.watermark > st.largest.to - st.largest.from) st.largest = { from: st.watermark, to: s.watermark };
      }
      if (Number.isFinite(s.watermark)) st.watermark = Math.max(st.watermark, s.watermark);
    });
  }

  /** Event-time jumps in the input itself: every rule's watermark jumped with them. */
  inputJumps(): { count: number; largest?: { from: number; to: number } } {
    return { count: this.gaps, ...(this.largestGap ? { largest: this.largestGap } : {}) };
  }

  /** Rules with late events or watermark jumps so far. */
  reports(): LatenessReport[] {
    return this.state.filter((s) => s.late > 0 || s.jumps > 0)
      .map((s) => ({ rule: s.rule, late: s.late, jumps: s.jumps, ...(s.largest ? { largest: s.largest } : {}) }));
  }
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** One warning line per rule (and one for jumps in the input), for a terminal. */
export function latenessWarnings(watch: LatenessWatch): string[] {
  const jumps = watch.inputJumps();
  const lines = jumps.largest === undefined ? [] : [
    `warning: event time jumped ${jumps.count}× by more than an hour (largest ${iso(jumps.largest.from)} → ${iso(jumps.largest.to)}): `
      + 'every rule\'s watermark jumped with it; an event far ahead of the rest, or a gap in the data',
  ];
  return [...lines, ...watch.reports().map((r) => {
    const parts: string[] = [];
    if (r.late > 0) parts.push(`${r.late} late event${r.late === 1 ? '' : 's'} dropped (event time behind its watermark)`);
    if (r.largest) parts.push(`watermark jumped ${r.jumps}× (largest ${iso(r.largest.from)} → ${iso(r.largest.to)}: an event far ahead of the rest, or a gap in the data)`);
    return `warning: rule ${r.rule}: ${parts.join('; ')}`;
  })];
}

/**
 * For a live status line: late events each rule dropped since the last check, and rules whose
 * watermark runs more than `aheadMs` ahead of event time (a far-future event dragged it).
 */
export class LiveLateness {
  private readonly lastLate = new Map<string, number>();

  constructor(private readonly aheadMs = 3_600_000) {}

  check(stats: readonly { rule: string; lateEvents: number; watermark: number }[], eventTime: number): string[] {
    const out: string[] = [];
    for (const s of stats) {
      const late = s.lateEvents - (this.lastLate.get(s.rule) ?? 0);
      this.lastLate.set(s.rule, s.lateEvents);
      if (late > 0) out.push(`warning: ${s.rule} dropped ${late} late event${late === 1 ? '' : 's'}`);
      if (Number.isFinite(s.watermark) && s.watermark - eventTime > this.aheadMs) {
        out.push(`warning: ${s.rule}'s watermark jumped to ${iso(s.watermark)}, ahead of event time`);
      }
    }
    return out;
  }
}
