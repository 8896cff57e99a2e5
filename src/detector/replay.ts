import type { CsvMapping } from '../events/csv-mapping.js';
import { readEventFile, type FileFormat } from '../events/file-stream.js';
import { parseUtcOffset } from '../events/index.js';
import type { HerdEvent } from '../events/schema.js';
import type { RejectedEvent } from '../events/types.js';
import type { Transition } from '../engine/types.js';
import type { DetectorRunner } from './runner.js';

export interface EventsFile {
  readonly events: HerdEvent[];
  readonly rejected: RejectedEvent[];
  readonly format: FileFormat;
}

/** A whole (small) events file in memory; large files go through readEventFile piece by piece. */
export async function readEventsFile(path: string, opts: { utcOffset?: string; mapping?: CsvMapping } = {}): Promise<EventsFile> {
  const events: HerdEvent[] = [];
  const rejected: RejectedEvent[] = [];
  let format: FileFormat = 'ndjson';
  for await (const chunk of readEventFile(path, { mapping: opts.mapping, utcOffsetMin: parseUtcOffset(opts.utcOffset) })) {
    for (const e of chunk.events) events.push(e);
    for (const r of chunk.rejected) rejected.push(r);
    format = chunk.format;
  }
  return { events, rejected, format };
}

export interface PaceOptions {
  /** Event time runs this many times faster than wall time; Infinity (default) = as fast as possible. */
  readonly speed?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly clock?: () => number;
  readonly signal?: AbortSignal;
  /** Largest batch handed over at once (max speed hands everything over in such batches). */
  readonly maxBatch?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export type ReplayOptions = PaceOptions;

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

/**
 * Hands events (sorted by event time) to `onBatch` as their event time comes due at
 * `speed`× wall time: each call gets everything due so far and the event time it is due
 * up to. Shared by the local replay and by sending to an API or Kafka. The events may come
 * as one array or as a stream of sorted pieces (a large file), which is never held whole.
 */
export async function paceByEventTime(
  input: readonly HerdEvent[] | AsyncIterable<readonly HerdEvent[]>,
  onBatch: (batch: HerdEvent[], dueUntil: number) => void | Promise<void>,
  opts: PaceOptions = {},
): Promise<void> {
  const speed = opts.speed ?? Number.POSITIVE_INFINITY;
  const maxBatch = Math.max(1, opts.maxBatch ?? Number.POSITIVE_INFINITY);
  const clock = opts.clock ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const pieces: AsyncIterable<readonly HerdEvent[]> = Array.isArray(input) ? (async function* () { yield input as readonly HerdEvent[]; })() : input as AsyncIterable<readonly HerdEvent[]>;
  let first: number | undefined;
  let wallStart = 0;
  let done = 0;
  for await (const events of pieces) {
    if (events.length === 0) continue;
    if (first === undefined) {
      first = events[0]!.ts;
      wallStart = clock();
    }
    let i = 0;
    while (i < events.length && !opts.signal?.aborted) {
      const due = Number.isFinite(speed) ? first + (clock() - wallStart) * speed : Number.POSITIVE_INFINITY;
      let j = i;
      while (j < events.length && j - i < maxBatch && events[j]!.ts <= due) j++;
      if (j > i) {
        await onBatch(events.slice(i, j), Math.min(due, events[j - 1]!.ts));
        done += j - i;
        i = j;
        opts.onProgress?.(done, Array.isArray(input) ? input.length : Number.NaN);
      } else {
        await sleep(Math.max(1, Math.min(250, (events[i]!.ts - due) / speed)), opts.signal);
      }
    }
    if (opts.signal?.aborted) return;
  }
}

/** Events in event-time order (stable for equal times). */
export function byEventTime(input: readonly HerdEvent[]): HerdEvent[] {
  return [...input].sort((a, b) => a.ts - b.ts);
}

/**
 * Runs events through the runner in event-time order and closes every window at the end,
 * so the result is what the engine decides for this input — the same at any speed.
 */
export async function replayEvents(runner: DetectorRunner, input: readonly HerdEvent[], opts: ReplayOptions = {}): Promise<Transition[]> {
  const events = byEventTime(input);
  const out: Transition[] = [];
  if (events.length === 0) return out;
  const paced = opts.speed !== undefined && Number.isFinite(opts.speed);
  await paceByEventTime(events, (batch, due) => {
    for (const t of runner.ingest(batch)) out.push(t);
    if (paced) for (const t of runner.tick(due)) out.push(t);
  }, opts);
  for (const t of runner.flush(events[events.length - 1]!.ts)) out.push(t);
  await runner.settled();
  return out;
}
