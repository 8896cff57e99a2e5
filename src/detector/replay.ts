import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { HwError } from '../errors.js';
import { parseEvents, readTransactionsCsv } from '../events/index.js';
import type { HerdEvent } from '../events/schema.js';
import type { RejectedEvent } from '../events/types.js';
import type { Transition } from '../engine/types.js';
import type { DetectorRunner } from './runner.js';

export interface EventsFile {
  readonly events: HerdEvent[];
  readonly rejected: RejectedEvent[];
  readonly format: 'csv' | 'ndjson';
}

/** A transactions CSV export (by extension or header line) or NDJSON / a JSON array. */
export async function readEventsFile(path: string, opts: { utcOffset?: string } = {}): Promise<EventsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new HwError('HW_ERR_INPUT_FILE', { source: path, expected: 'a readable CSV or NDJSON file', message: (err as Error).message, cause: err });
  }
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0).trim();
  const csv = /\.csv$/i.test(path) || (!firstLine.startsWith('{') && !firstLine.startsWith('[') && firstLine.includes(','));
  if (csv) {
    const parsed = readTransactionsCsv(text, { source: basename(path), ...(opts.utcOffset ? { utcOffset: opts.utcOffset } : {}) });
    return { ...parsed, format: 'csv' };
  }
  const parsed = parseEvents(text, firstLine.startsWith('[') ? 'application/json' : 'application/x-ndjson');
  return { ...parsed, format: 'ndjson' };
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
 * up to. Shared by the local replay and by sending to an API or Kafka.
 */
export async function paceByEventTime(
  events: readonly HerdEvent[],
  onBatch: (batch: HerdEvent[], dueUntil: number) => void | Promise<void>,
  opts: PaceOptions = {},
): Promise<void> {
  const speed = opts.speed ?? Number.POSITIVE_INFINITY;
  const maxBatch = Math.max(1, opts.maxBatch ?? Number.POSITIVE_INFINITY);
  if (events.length === 0) return;
  const first = events[0]!.ts;
  const clock = opts.clock ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const wallStart = clock();
  let i = 0;
  while (i < events.length && !opts.signal?.aborted) {
    const due = Number.isFinite(speed) ? first + (clock() - wallStart) * speed : Number.POSITIVE_INFINITY;
    let j = i;
    while (j < events.length && j - i < maxBatch && events[j]!.ts <= due) j++;
    if (j > i) {
      await onBatch(events.slice(i, j), Math.min(due, events[j - 1]!.ts));
      i = j;
      opts.onProgress?.(i, events.length);
    } else {
      await sleep(Math.max(1, Math.min(250, (events[i]!.ts - due) / speed)), opts.signal);
    }
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
    out.push(...runner.ingest(batch));
    if (paced) out.push(...runner.tick(due));
  }, opts);
  out.push(...runner.flush(events[events.length - 1]!.ts));
  await runner.settled();
  return out;
}
