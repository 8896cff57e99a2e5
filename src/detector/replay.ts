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

export interface ReplayOptions {
  /** Event time runs this many times faster than wall time; Infinity (default) = as fast as possible. */
  readonly speed?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly clock?: () => number;
  readonly signal?: AbortSignal;
  /** Events per engine call when paced. */
  readonly onProgress?: (done: number, total: number) => void;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

/**
 * Runs events through the runner in event-time order and closes every window at the end,
 * so the result is what the engine decides for this input — the same at any speed.
 */
export async function replayEvents(runner: DetectorRunner, input: readonly HerdEvent[], opts: ReplayOptions = {}): Promise<Transition[]> {
  const events = [...input].sort((a, b) => a.ts - b.ts);
  const out: Transition[] = [];
  const speed = opts.speed ?? Number.POSITIVE_INFINITY;
  if (events.length === 0) return out;
  const first = events[0]!.ts;
  const last = events[events.length - 1]!.ts;
  if (!Number.isFinite(speed)) {
    out.push(...runner.ingest(events));
    opts.onProgress?.(events.length, events.length);
  } else {
    const clock = opts.clock ?? Date.now;
    const sleep = opts.sleep ?? defaultSleep;
    const wallStart = clock();
    let i = 0;
    while (i < events.length && !opts.signal?.aborted) {
      // Everything whose event time is due by now goes in one batch.
      const due = first + (clock() - wallStart) * speed;
      let j = i;
      while (j < events.length && events[j]!.ts <= due) j++;
      if (j > i) {
        out.push(...runner.ingest(events.slice(i, j)));
        out.push(...runner.tick(due));
        i = j;
        opts.onProgress?.(i, events.length);
      }
      if (i < events.length) await sleep(Math.max(1, Math.min(250, (events[i]!.ts - due) / speed)), opts.signal);
    }
  }
  out.push(...runner.flush(last));
  await runner.settled();
  return out;
}
