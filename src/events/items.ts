import { accept, type Collector } from './accept.js';
import { fromSegment, isSegmentCall } from './segment.js';

/** Adds one decoded input item (canonical event or Segment call) to a batch. */
export function addItem(batch: Collector, item: unknown, index: number): void {
  if (!isSegmentCall(item)) {
    batch.add(accept(item, index), index);
    return;
  }
  const mapped = fromSegment(item, index);
  if (!Array.isArray(mapped)) {
    batch.reject(mapped);
    return;
  }
  for (const c of mapped) batch.add(accept(c.wire, index, c.fields), index);
}

/** A Segment batch is `{batch: [...]}`; the outer object carries no event of its own. */
export function isSegmentBatch(value: unknown): value is { batch: unknown[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { batch?: unknown }).batch);
}
