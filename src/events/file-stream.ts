import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { HwError } from '../errors.js';
import { Collector } from './accept.js';
import { CsvEventReader } from './csv-events.js';
import type { CsvMapping } from './csv-mapping.js';
import { addItem, isSegmentBatch } from './items.js';
import { JsonArraySplitter } from './json-array.js';
import type { ParseResult } from './types.js';

export type FileFormat = 'csv' | 'ndjson' | 'json';

export interface EventFileOptions {
  /** CSV column mapping; detected from the header when absent. */
  readonly mapping?: CsvMapping | undefined;
  /** Minutes east of UTC of CSV timestamps without a zone. */
  readonly utcOffsetMin?: number;
  /** Called after each chunk with the bytes read so far and the file's size. */
  readonly onBytes?: (read: number, total: number) => void;
}

export interface EventFileChunk extends ParseResult {
  readonly format: FileFormat;
}

/** Read size: large enough to amortise the calls, small enough that memory stays flat. */
const CHUNK = 1 << 20;

/**
 * Reads an events file of any size piece by piece: a CSV export (by extension or a header
 * line), NDJSON, or a JSON array (split element by element). Yields the parsed events of each
 * piece with rejections indexed by data row (CSV), line (NDJSON) or element (JSON array).
 * Memory stays flat: no whole-file string, no whole-file array.
 */
export async function* readEventFile(path: string, opts: EventFileOptions = {}): AsyncGenerator<EventFileChunk> {
  let total: number;
  try {
    total = (await stat(path)).size;
  } catch (err) {
    throw new HwError('HW_ERR_INPUT_FILE', { source: path, expected: 'a readable CSV, NDJSON or JSON file', message: (err as Error).message, cause: err });
  }
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: CHUNK });
  let read = 0;
  let parser: PieceParser | undefined;
  try {
    for await (const piece of stream as AsyncIterable<string>) {
      read += Buffer.byteLength(piece);
      parser ??= pickParser(path, piece, opts);
      yield { ...parser.push(piece), format: parser.format };
      opts.onBytes?.(read, total);
    }
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('HW_ERR_')) throw err;
    throw new HwError('HW_ERR_INPUT_FILE', { source: path, expected: 'a readable CSV, NDJSON or JSON file', message: (err as Error).message, cause: err });
  } finally {
    stream.destroy();
  }
  parser ??= pickParser(path, '', opts);
  yield { ...parser.end(), format: parser.format };
}

interface PieceParser {
  readonly format: FileFormat;
  push(text: string): ParseResult;
  end(): ParseResult;
}

function pickParser(path: string, head: string, opts: EventFileOptions): PieceParser {
  const start = head.replace(/^\uFEFF/, '').trimStart();
  const firstLine = start.slice(0, (start.indexOf('\n') + 1 || start.length + 1) - 1).trim();
  if (/\.csv$/i.test(path) || (!start.startsWith('{') && !start.startsWith('[') && firstLine.includes(','))) {
    const csv = new CsvEventReader({ mapping: opts.mapping, utcOffsetMin: opts.utcOffsetMin ?? 0, source: basename(path) });
    return { format: 'csv', push: (t) => csv.push(t), end: () => csv.end() };
  }
  if (start.startsWith('[')) return jsonArrayParser(basename(path));
  return ndjsonParser();
}

function jsonArrayParser(source: string): PieceParser {
  const splitter = new JsonArraySplitter(source);
  const take = (elements: { index: number; line: number; text: string }[]) => {
    const batch = new Collector();
    for (const el of elements) {
      let item: unknown;
      try {
        item = JSON.parse(el.text);
      } catch (err) {
        throw new HwError('HW_ERR_EVENT_FORMAT', {
          source, field: `line ${el.line}`, expected: 'a JSON array of events',
          message: `malformed JSON array: element ${el.index} (line ${el.line}) is not JSON: ${(err as Error).message}`,
        });
      }
      addItem(batch, item, el.index);
    }
    return batch.result();
  };
  return { format: 'json', push: (t) => take(splitter.push(t)), end: () => take(splitter.end()) };
}

function ndjsonParser(): PieceParser {
  let carry = '';
  let lineIndex = 0;
  const lines = (text: string) => {
    const batch = new Collector();
    for (const line of text.split('\n')) {
      const index = lineIndex++;
      const trimmed = line.trim();
      if (trimmed === '') continue;
      let item: unknown;
      try {
        item = JSON.parse(trimmed);
      } catch (err) {
        batch.reject({ index, line: index + 1, code: 'HW_ERR_EVENT_FORMAT', message: `line ${index + 1} is not JSON: ${(err as Error).message}` });
        continue;
      }
      if (isSegmentBatch(item)) for (const call of item.batch) addItem(batch, call, index);
      else addItem(batch, item, index);
    }
    return batch.result();
  };
  return {
    format: 'ndjson',
    push(text) {
      const all = carry + text;
      const cut = all.lastIndexOf('\n');
      if (cut < 0) {
        carry = all;
        if (carry.length > 4 << 20) throw new HwError('HW_ERR_EVENT_FORMAT', { field: `line ${lineIndex + 1}`, message: `line ${lineIndex + 1} is longer than 4 MiB; expected one event per line` });
        return { events: [], rejected: [] };
      }
      carry = all.slice(cut + 1);
      return lines(all.slice(0, cut));
    },
    end() {
      const rest = carry;
      carry = '';
      return rest.trim() === '' ? { events: [], rejected: [] } : lines(rest);
    },
  };
}
