import { Collector } from './accept.js';
import { addItem, isSegmentBatch } from './items.js';
import type { ParseResult } from './types.js';

/**
 * Newline-delimited JSON: one event (or Segment call) per line. A bad line is one rejection
 * at its 0-based line index, never a failed batch. Blank lines are skipped.
 */
export function readNdjson(text: string): ParseResult {
  const batch = new Collector();
  addNdjson(batch, text);
  return batch.result();
}

export function addNdjson(batch: Collector, text: string): void {
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch (err) {
      batch.reject({ index, code: 'HW_ERR_EVENT_FORMAT', message: `line ${index + 1} is not JSON: ${(err as Error).message}` });
      return;
    }
    if (isSegmentBatch(item)) item.batch.forEach((call) => addItem(batch, call, index));
    else addItem(batch, item, index);
  });
}
