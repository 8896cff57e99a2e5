import type { CsvMapping } from '../events/csv-mapping.js';
import { readEventFile, type FileFormat } from '../events/file-stream.js';
import type { HerdEvent } from '../events/schema.js';
import type { RejectedEvent } from '../events/types.js';
import { ReorderBuffer } from './reorder.js';

/** Counts of what a file held, filled in while it streams. */
export class InputTally {
  events = 0;
  rejected = 0;
  format: FileFormat | undefined;
  readonly byReason = new Map<string, number>();
  /** The first few rejections, verbatim, for the terminal; the rest are only counted. */
  readonly examples: RejectedEvent[] = [];

  reject(r: RejectedEvent): void {
    this.rejected++;
    const reason = r.field === undefined ? r.code : `${r.code} ${r.field}`;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
    if (this.examples.length < 20) this.examples.push(r);
  }

  /** "HW_ERR_CSV_ROW timestamp: 12, HW_ERR_EVENT_FIELD /type: 3", most frequent first. */
  reasons(): string {
    return [...this.byReason].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join(', ');
  }
}

export interface StreamOptions {
  readonly mapping?: CsvMapping | undefined;
  readonly utcOffsetMin?: number;
  readonly onBytes?: (read: number, total: number) => void;
  /** Events held to restore event-time order in a nearly sorted file. */
  readonly reorder?: number;
  /** Moves every event by the same amount so the first one is at this time (epoch ms). */
  readonly shiftTo?: number;
}

/**
 * A file's events in event-time order (within the reorder window), piece by piece, in
 * constant memory, with rejections counted in `tally` as they are read.
 */
export async function* sortedFileEvents(path: string, tally: InputTally, opts: StreamOptions = {}): AsyncGenerator<HerdEvent[]> {
  const buffer = new ReorderBuffer(opts.reorder ?? 100_000);
  let shift: number | undefined;
  const move = (events: HerdEvent[]) => {
    if (opts.shiftTo === undefined || events.length === 0) return events;
    shift ??= opts.shiftTo - events[0]!.ts;
    const by = shift;
    return events.map((e) => ({ ...e, ts: e.ts + by }));
  };
  for await (const chunk of readEventFile(path, { mapping: opts.mapping, utcOffsetMin: opts.utcOffsetMin ?? 0, onBytes: opts.onBytes })) {
    tally.format = chunk.format;
    tally.events += chunk.events.length;
    for (const r of chunk.rejected) tally.reject(r);
    const out = buffer.push(chunk.events);
    if (out.length > 0) yield move(out);
  }
  const rest = buffer.drain();
  if (rest.length > 0) yield move(rest);
}
