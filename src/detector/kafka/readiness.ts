import type { Admin } from 'kafkajs';

interface Position {
  /** Next offset to process; -1 while the partition is still being rebuilt. */
  next: number;
  high: number;
}

/**
 * Tracks whether this member has caught up on every partition it was assigned: the
 * condition for /readyz. A partition counts as caught up when its engine is live and has
 * processed up to the high watermark (or, before its first batch, when the group's
 * committed offset is already there). Ready latches until the next assignment.
 */
export class ReadinessTracker {
  private partitions: number[] = [];
  private readonly pos = new Map<number, Position>();
  private latched = false;
  private joined = false;
  lag = 0;

  constructor(private readonly admin: Admin, private readonly groupId: string, private readonly topic: string, private readonly startFrom: 'earliest' | 'latest' = 'latest') {}

  assigned(partitions: number[]): void {
    this.partitions = partitions;
    this.joined = true;
    this.pos.clear();
    this.latched = false;
  }

  progress(partition: number, next: number, high: number): void {
    this.pos.set(partition, { next, high });
  }

  get ready(): boolean {
    return this.latched;
  }

  caughtUp(partition: number): boolean {
    const p = this.pos.get(partition);
    return p !== undefined && p.next >= 0 && p.next >= p.high;
  }

  /** High watermark of each assigned partition as of the last refresh. */
  highWatermarks(): [number, number][] {
    return [...this.pos].map(([p, x]) => [p, x.high]);
  }

  async committed(partition: number): Promise<number> {
    const [res] = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] });
    const c = res?.partitions.find((x) => x.partition === partition);
    return c ? Number(c.offset) : -1;
  }

  /** Re-reads high watermarks (and commits for partitions not started yet). */
  async refresh(engines: ReadonlyMap<number, { nextOffset: number; replaying: boolean }>): Promise<void> {
    if (!this.joined) return;
    if (this.partitions.length === 0) {
      this.lag = 0;
      this.latched = true;
      return;
    }
    const offsets = await this.admin.fetchTopicOffsets(this.topic);
    const idle = this.partitions.filter((p) => !engines.has(p));
    const commits = idle.length > 0 ? (await this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] }))[0]?.partitions ?? [] : [];
    let lag = 0;
    let all = true;
    for (const p of this.partitions) {
      const o = offsets.find((x) => x.partition === p);
      if (!o) continue;
      const high = Number(o.high);
      const e = engines.get(p);
      let next: number;
      if (e) next = e.replaying ? -1 : e.nextOffset;
      else {
        const c = Number(commits.find((x) => x.partition === p)?.offset ?? -1);
        next = c >= 0 ? c : this.startFrom === 'latest' ? high : Number(o.low);
      }
      this.pos.set(p, { next, high });
      if (next < 0 || next < high) all = false;
      lag += next < 0 ? high : Math.max(0, high - next);
    }
    this.lag = lag;
    if (all) this.latched = true;
  }
}
