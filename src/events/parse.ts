import { Collector, type IngestLimits } from './accept.js';
import { addItem, isSegmentBatch } from './items.js';
import { addNdjson } from './ndjson.js';
import type { ParseResult } from './types.js';

const NDJSON_TYPES = /ndjson|jsonl|json-seq|jsonlines/i;

/**
 * Any body the ingest API accepts → canonical events (normalised, not enriched) and
 * per-item rejections. Accepts a JSON array, one JSON object, NDJSON, a Segment batch
 * (`{batch: [...]}`) or a single Segment call; `body` may be text or already-decoded JSON.
 * A body that is none of these is one HW_ERR_EVENT_FORMAT rejection at index 0; it never throws.
 */
export function parseEvents(body: string | unknown, contentType?: string, limits: IngestLimits = {}): ParseResult {
  const batch = new Collector(limits);
  if (typeof body !== 'string') {
    addDecoded(batch, body);
    return batch.result();
  }
  if (contentType !== undefined && NDJSON_TYPES.test(contentType)) {
    addNdjson(batch, body);
    return batch.result();
  }
  const text = body.trim();
  if (text === '') {
    batch.reject({ index: 0, code: 'HW_ERR_EVENT_FORMAT', message: 'body is empty; expected a JSON event, a JSON array of events, NDJSON or a Segment batch' });
    return batch.result();
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch (err) {
    // Several lines that are each JSON is NDJSON sent without its content type. A body that
    // opens an array, or whose first line is not JSON on its own (a pretty-printed object), is
    // malformed JSON: re-reading it as lines would report line numbers as item indexes.
    if (!text.startsWith('[') && text.includes('\n') && isJson(text.slice(0, text.indexOf('\n')))) {
      addNdjson(batch, body);
      return batch.result();
    }
    batch.reject({ index: 0, code: 'HW_ERR_EVENT_FORMAT', message: `body is not JSON (${(err as Error).message}${lineOf(text, err)}); expected a JSON event, a JSON array of events, NDJSON or a Segment batch` });
    return batch.result();
  }
  addDecoded(batch, decoded);
  return batch.result();
}

function addDecoded(batch: Collector, decoded: unknown): void {
  if (Array.isArray(decoded)) decoded.forEach((item, i) => addItem(batch, item, i));
  else if (isSegmentBatch(decoded)) decoded.batch.forEach((item, i) => addItem(batch, item, i));
  else if (typeof decoded === 'object' && decoded !== null) addItem(batch, decoded, 0);
  else batch.reject({ index: 0, code: 'HW_ERR_EVENT_FORMAT', message: `expected a JSON event, a JSON array of events, NDJSON or a Segment batch, got ${JSON.stringify(decoded)}` });
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/** ", line N" from V8's "at position P" message, so a user finds the missing comma. */
function lineOf(text: string, err: unknown): string {
  const m = /position (\d+)/.exec((err as Error).message);
  if (!m || /\bline \d+/.test((err as Error).message)) return '';
  let line = 1;
  for (let i = 0; i < Number(m[1]) && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return `, line ${line}`;
}
