import { HwError } from '../errors.js';
import { accept, futureEvent, type FieldMap, type IngestLimits } from './accept.js';
import { CsvReader, type CsvRecord } from './csv.js';
import { CSV_PRESETS, detectMapping, NUMERIC_FIELDS, type CsvMapping, type MappableField } from './csv-mapping.js';
import type { HerdEvent } from './schema.js';
import { eventTime, TIME_SHAPES } from './time.js';
import type { ParseResult, RejectedEvent } from './types.js';

export interface CsvEventsOptions extends IngestLimits {
  /** Column mapping; detected from the header (transactions, REES46, event field names) when absent. */
  readonly mapping?: CsvMapping | undefined;
  /** Minutes east of UTC of timestamps without a zone. */
  readonly utcOffsetMin?: number;
  /** File name used in error messages. */
  readonly source?: string | undefined;
}

interface Layout {
  readonly mapping: CsvMapping;
  readonly width: number;
  readonly col: ReadonlyMap<MappableField, number>;
  readonly extras: readonly (readonly [string, number])[];
  readonly fields: FieldMap;
}

/**
 * CSV rows → events, incrementally: the first record is the header, every later one a row.
 * Each bad row is one rejection per bad column (index = 0-based data row, line = file line),
 * the rest still count. A header that fits no mapping fails the whole input (HW_ERR_CSV_HEADER).
 */
export class CsvEventReader {
  private readonly csv: CsvReader;
  private layout: Layout | undefined;
  private row = 0;
  private readonly where: string;

  constructor(private readonly opts: CsvEventsOptions = {}) {
    this.csv = new CsvReader(opts.source);
    this.where = opts.source === undefined ? '' : `${opts.source}: `;
  }

  /** The mapping in use, once the header was read. */
  get mapping(): CsvMapping | undefined {
    return this.layout?.mapping;
  }

  push(text: string): ParseResult {
    return this.records(() => this.csv.push(text));
  }

  end(): ParseResult {
    const out = this.records(() => this.csv.end());
    if (this.layout === undefined) this.header({ line: 1, fields: [] });
    return out;
  }

  private records(read: () => CsvRecord[]): ParseResult {
    const records: CsvRecord[] = read();
    const events: HerdEvent[] = [];
    const rejected: RejectedEvent[] = [];
    for (const rec of records) {
      if (this.layout === undefined) this.layout = this.header(rec);
      else this.addRow(this.layout, rec, events, rejected);
    }
    return { events, rejected };
  }

  private header(rec: CsvRecord): Layout {
    const names = rec.fields.map((h) => h.trim().toLowerCase());
    const detected = this.opts.mapping === undefined ? detectMapping(names) : undefined;
    const mapping = this.opts.mapping ?? detected?.mapping;
    const generic = mapping === CSV_PRESETS.events;
    const wanted = mapping === undefined ? [] : Object.entries(mapping.columns).map(([f, c]) => [f as MappableField, c.toLowerCase()] as const);
    const missing = mapping === undefined ? ['ts', 'type']
      : generic ? ['ts', 'type'].filter((c) => !names.includes(c)) : wanted.filter(([, c]) => !names.includes(c)).map(([, c]) => c);
    if (mapping === undefined || missing.length > 0) {
      const what = mapping === undefined ? 'cannot tell which columns hold the event time and type'
        : `CSV header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
      throw new HwError('HW_ERR_CSV_HEADER', {
        source: this.opts.source, field: missing.join(', '),
        expected: mapping && mapping.name !== 'custom' && !generic
          ? `a header line with columns ${Object.values(mapping.columns).join(',')} (the ${mapping.name} export), or a column mapping (--map, --map-file)`
          : 'a header line naming the columns; known exports (transactions, rees46) are detected, others need a column mapping (--map ts=col,type=col,... or --map-file)',
        message: `${what} (found: ${names.join(',') || 'nothing'})`,
      });
    }
    // In column order, so a row's problems are reported left to right.
    const col = new Map<MappableField, number>(wanted.filter(([, c]) => names.includes(c)).map(([f, c]) => [f, names.indexOf(c)] as const).sort((a, b) => a[1] - b[1]));
    const used = new Set(col.values());
    const attrs = mapping.attrs ?? 'rest';
    const extras = names.map((n, i) => [n, i] as const)
      .filter(([n, i]) => n !== '' && !used.has(i) && (attrs === 'rest' || attrs.includes(n))).slice(0, 32);
    const fields: FieldMap = Object.fromEntries([...col.keys()].map((f) => [`/${f}`, rec.fields[col.get(f)!]!.trim()]));
    return { mapping, width: names.length, col, extras, fields };
  }

  private addRow(layout: Layout, rec: CsvRecord, events: HerdEvent[], rejected: RejectedEvent[]): void {
    const index = this.row++;
    const reject = (column: string, message: string) =>
      rejected.push({ index, line: rec.line, code: 'HW_ERR_CSV_ROW', field: column, message: `${this.where}line ${rec.line}, column ${column}: ${message}` });
    if (rec.fields.length !== layout.width) {
      reject('*', `expected ${layout.width} fields, got ${rec.fields.length}`);
      return;
    }
    const { mapping } = layout;
    const columnOf = (f: MappableField) => layout.fields[`/${f}`] ?? f;
    const wire: Record<string, unknown> = {};
    const problems: [string, string][] = [];
    for (const [f, i] of layout.col) {
      const text = rec.fields[i]!.trim();
      if (text === '') {
        if (mapping.required?.includes(f) || f === 'ts' || (f === 'type' && mapping.type === undefined)) problems.push([columnOf(f), 'is empty; expected a value']);
        continue;
      }
      if (NUMERIC_FIELDS.has(f)) {
        const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
        if (n === undefined) problems.push([columnOf(f), `expected a number ≥ 0 like 4500 or 99.50, got ${JSON.stringify(text)}`]);
        else wire[f] = n;
      } else if (f === 'ts') {
        const ts = eventTime(text, this.opts.utcOffsetMin ?? 0);
        if (typeof ts === 'number') wire.ts = ts;
        else problems.push([columnOf(f), `expected a date-time (${TIME_SHAPES}) between 2000 and 2100, got ${JSON.stringify(text)}`]);
      } else if (f === 'type') {
        const t = mapping.types === undefined ? text : Object.hasOwn(mapping.types, text) ? mapping.types[text] : undefined;
        if (t === undefined) problems.push([columnOf(f), `${JSON.stringify(text)} is not an event type this mapping knows (${Object.keys(mapping.types ?? {}).join(', ')})`]);
        else wire.type = t;
      } else {
        wire[f] = text;
      }
    }
    if (mapping.type !== undefined) wire.type = mapping.type;
    if (problems.length > 0) {
      for (const [c, m] of problems) reject(c, m);
      return;
    }
    const attrs = Object.fromEntries(layout.extras.map(([n, i]) => [n, rec.fields[i]!.trim()]).filter(([, v]) => v !== ''));
    if (Object.keys(attrs).length > 0) wire.attrs = attrs;
    const result = accept(wire, index, layout.fields);
    if (!Array.isArray(result)) {
      const future = futureEvent(result, index, this.opts, columnOf('ts'));
      if (future) rejected.push({ ...future, line: rec.line, message: `${this.where}line ${rec.line}, column ${future.field}: ${future.message}` });
      else events.push(result);
      return;
    }
    for (const r of result) reject(r.field ?? '*', r.message);
  }
}

/** A whole CSV text → events (the streaming reader, fed once). */
export function readCsvEvents(text: string, opts: CsvEventsOptions = {}): ParseResult {
  const reader = new CsvEventReader(opts);
  const a = reader.push(text);
  const b = reader.end();
  return { events: [...a.events, ...b.events], rejected: [...a.rejected, ...b.rejected] };
}
