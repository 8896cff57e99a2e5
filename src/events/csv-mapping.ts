import { readFileSync } from 'node:fs';
import { HwError } from '../errors.js';
import { EVENT_TYPES, type EventType } from './schema.js';

/** Event fields a CSV column can fill. */
export const MAPPABLE_FIELDS = [
  'id', 'type', 'ts', 'productId', 'userId', 'sessionId', 'category', 'region', 'location', 'paymentMethod',
  'price', 'quantity', 'amount', 'currency', 'count',
] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];
export const NUMERIC_FIELDS: ReadonlySet<MappableField> = new Set(['price', 'quantity', 'amount', 'count']);

/**
 * How a CSV's columns become events. `columns` maps event fields to column names (matched
 * case-insensitively); `type` is a constant event type for files of one kind (transactions);
 * `types` renames the type column's values (REES46's `cart` → `add_to_cart`). Other columns go
 * into `attrs` (all of them, or only those listed).
 */
export interface CsvMapping {
  readonly name: string;
  readonly columns: Readonly<Partial<Record<MappableField, string>>>;
  readonly type?: EventType;
  readonly types?: Readonly<Record<string, EventType>>;
  /** Fields that must have a value in every row (beyond the schema's own: type and ts). */
  readonly required?: readonly MappableField[];
  /** Extra columns kept as attrs: their names, or 'rest' for every unmapped column (default). */
  readonly attrs?: readonly string[] | 'rest';
}

export const CSV_PRESETS: Readonly<Record<string, CsvMapping>> = {
  transactions: {
    name: 'transactions',
    columns: { id: 'transaction_id', userId: 'user_id', amount: 'amount', paymentMethod: 'payment_method', location: 'location', ts: 'timestamp' },
    type: 'purchase',
    required: ['id', 'userId', 'amount', 'ts'],
  },
  rees46: {
    name: 'rees46',
    columns: { ts: 'event_time', type: 'event_type', productId: 'product_id', category: 'category_code', price: 'price', userId: 'user_id', sessionId: 'user_session' },
    types: { view: 'view', cart: 'add_to_cart', remove_from_cart: 'remove_from_cart', purchase: 'purchase' },
    attrs: ['brand', 'category_id'],
  },
  events: {
    name: 'events',
    columns: Object.fromEntries(MAPPABLE_FIELDS.map((f) => [f, f])),
  },
};

const mappingError = (field: string, message: string) =>
  new HwError('HW_ERR_CSV_MAPPING', { field, expected: `field=column pairs with fields from ${MAPPABLE_FIELDS.join(', ')}`, message });

function checkType(value: unknown, field: string): EventType {
  if (typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value)) return value as EventType;
  throw mappingError(field, `${JSON.stringify(value)} is not an event type (${EVENT_TYPES.join(', ')})`);
}

/**
 * `--map ts=event_time,type=event_type,productId=product_id` (also `type:=purchase` for a
 * constant type and `type.cart=add_to_cart` to rename a value) → a mapping.
 */
export function parseMapSpec(spec: string): CsvMapping {
  const columns: Partial<Record<MappableField, string>> = {};
  const types: Record<string, EventType> = {};
  let type: EventType | undefined;
  for (const part of spec.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw mappingError(part, `"${part}" is not field=column`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 'type:') type = checkType(value, 'type');
    else if (key.startsWith('type.')) types[key.slice(5)] = checkType(value, key);
    else if ((MAPPABLE_FIELDS as readonly string[]).includes(key) && value !== '') columns[key as MappableField] = value;
    else throw mappingError(key, `"${key}" is not an event field (${MAPPABLE_FIELDS.join(', ')})`);
  }
  return checkMapping({ name: 'custom', columns, ...(type ? { type } : {}), ...(Object.keys(types).length > 0 ? { types } : {}) });
}

/** A mapping file: JSON `{"columns": {"ts": "event_time", ...}, "type"?, "types"?, "attrs"?}`. */
export function readMappingFile(path: string): CsvMapping {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new HwError('HW_ERR_CSV_MAPPING', { source: path, expected: 'a JSON mapping file', message: (err as Error).message, cause: err });
  }
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const columns = (typeof o.columns === 'object' && o.columns !== null ? o.columns : undefined) as Record<string, unknown> | undefined;
  if (!columns) throw mappingError('columns', `${path}: expected an object "columns" mapping event fields to column names`);
  for (const [k, v] of Object.entries(columns)) {
    if (!(MAPPABLE_FIELDS as readonly string[]).includes(k)) throw mappingError(k, `${path}: "${k}" is not an event field`);
    if (typeof v !== 'string' || v === '') throw mappingError(k, `${path}: the column for ${k} must be a non-empty string`);
  }
  const types = o.types === undefined ? undefined : Object.fromEntries(Object.entries(o.types as Record<string, unknown>).map(([k, v]) => [k, checkType(v, `types.${k}`)]));
  const attrs = o.attrs === undefined || o.attrs === 'rest' ? undefined : Array.isArray(o.attrs) ? o.attrs.map(String) : (() => { throw mappingError('attrs', `${path}: attrs must be a list of column names or "rest"`); })();
  return checkMapping({
    name: path, columns: columns as Partial<Record<MappableField, string>>,
    ...(o.type === undefined ? {} : { type: checkType(o.type, 'type') }),
    ...(types ? { types } : {}), ...(attrs ? { attrs } : {}),
  });
}

function checkMapping(m: CsvMapping): CsvMapping {
  if (m.columns.ts === undefined) throw mappingError('ts', 'the mapping names no column for ts (the event time)');
  if (m.columns.type === undefined && m.type === undefined) throw mappingError('type', 'the mapping names no column for type and no constant type (type:=purchase)');
  return m;
}

/** A preset by name, a --map spec, or a mapping file; undefined = detect from the header. */
export function resolveMapping(o: { preset?: string | undefined; map?: string | undefined; mapFile?: string | undefined }): CsvMapping | undefined {
  const given = [o.preset, o.map, o.mapFile].filter((x) => x !== undefined).length;
  if (given > 1) throw new HwError('HW_ERR_USAGE', { field: '--csv-preset/--map/--map-file', expected: 'at most one of them' });
  if (o.preset !== undefined) {
    const p = CSV_PRESETS[o.preset];
    if (!Object.hasOwn(CSV_PRESETS, o.preset) || p === undefined) throw mappingError('preset', `unknown CSV preset "${o.preset}" (${Object.keys(CSV_PRESETS).join(', ')})`);
    return p;
  }
  if (o.map !== undefined) return parseMapSpec(o.map);
  if (o.mapFile !== undefined) return readMappingFile(o.mapFile);
  return undefined;
}

/** The preset whose columns the header holds most of (ties: the first); none when under two match. */
export function detectMapping(names: readonly string[]): { mapping: CsvMapping; missing: string[] } | undefined {
  let best: { mapping: CsvMapping; found: number; missing: string[] } | undefined;
  for (const mapping of Object.values(CSV_PRESETS)) {
    const wanted = Object.values(mapping.columns).map((c) => c.toLowerCase());
    const missing = wanted.filter((c) => !names.includes(c));
    const found = wanted.length - missing.length;
    // The generic preset needs only its two required columns.
    const gaps = mapping.name === 'events' ? ['ts', 'type'].filter((c) => !names.includes(c.toLowerCase())) : missing;
    if (found >= 2 && (best === undefined || gaps.length < best.missing.length)) best = { mapping, found, missing: gaps };
  }
  return best && { mapping: best.mapping, missing: best.missing };
}
