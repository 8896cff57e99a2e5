import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isHwError } from '../errors.js';
import { parseUtcOffset, readTransactionsCsv } from './index.js';

// A copy of ../shared/data/transactions.csv so the tests run on a clone without the shared folder.
const SAMPLE = fileURLToPath(new URL('./testdata/transactions.csv', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../shared/data/transactions.csv', import.meta.url));
const HEADER = 'transaction_id,user_id,amount,payment_method,location,timestamp';

describe('readTransactionsCsv on the sample export', () => {
  const text = readFileSync(SAMPLE, 'utf8');

  it.runIf(existsSync(SHARED))('uses a copy identical to the shared sample', () => {
    expect(text).toBe(readFileSync(SHARED, 'utf8'));
  });

  it('turns 100 rows into 100 purchase events with the export\'s ids', () => {
    const { events, rejected } = readTransactionsCsv(text);
    expect(rejected).toEqual([]);
    expect(events).toHaveLength(100);
    expect(new Set(events.map((e) => e.id)).size).toBe(100);
    expect(events.every((e) => e.type === 'purchase' && e.productId === undefined)).toBe(true);
  });

  it('reads row 3 (3,U001,56000,Debit Card,Mumbai,30-09-2025 10:07) as 2025-09-30T10:07Z by default', () => {
    const e = readTransactionsCsv(text).events[2];
    expect(e).toEqual({ id: '3', type: 'purchase', ts: Date.parse('2025-09-30T10:07:00Z'), userId: 'U001', amount: 56000, paymentMethod: 'Debit Card', location: 'Mumbai' });
  });

  it('interprets local times in the configured UTC offset', () => {
    const e = readTransactionsCsv(text, { utcOffset: '+05:30' }).events[2];
    expect(new Date(e!.ts).toISOString()).toBe('2025-09-30T04:37:00.000Z');
  });
});

describe('readTransactionsCsv on small inputs', () => {
  it('tolerates CRLF, quoted fields with commas and quotes, column order and extra columns', () => {
    const csv = [
      'timestamp,Amount,user_id,transaction_id,location,payment_method,channel',
      '"01-10-2025 09:00",4500,U1,t1,"Navi Mumbai, MH","Card ""Gold""",app',
      '',
      '29-02-2024 23:59,10.5,U2,t2,,UPI,',
    ].join('\r\n');
    const { events, rejected } = readTransactionsCsv(csv);
    expect(rejected).toEqual([]);
    expect(events).toEqual([
      { id: 't1', type: 'purchase', ts: Date.parse('2025-10-01T09:00:00Z'), userId: 'U1', amount: 4500, paymentMethod: 'Card "Gold"', location: 'Navi Mumbai, MH', attrs: { channel: 'app' } },
      { id: 't2', type: 'purchase', ts: Date.parse('2024-02-29T23:59:00Z'), userId: 'U2', amount: 10.5, paymentMethod: 'UPI' },
    ]);
  });

  it('rejects bad rows with the line number and column, keeping good rows', () => {
    const csv = [
      HEADER,
      '1,U1,abc,UPI,Pune,30-09-2025 10:05',
      '2,U1,100,UPI,Pune,31-09-2025 10:05',
      '3,U1,100,UPI',
      '4,,100,UPI,Pune,30-09-2025 25:00',
      '5,U1,100,UPI,Pune,30-09-2025 10:05',
    ].join('\n');
    const { events, rejected } = readTransactionsCsv(csv, { source: 'tx.csv' });
    expect(events.map((e) => e.id)).toEqual(['5']);
    expect(rejected.map((r) => [r.index, r.line, r.code, r.field])).toEqual([
      [0, 2, 'HW_ERR_CSV_ROW', 'amount'],
      [1, 3, 'HW_ERR_CSV_ROW', 'timestamp'],
      [2, 4, 'HW_ERR_CSV_ROW', '*'],
      [3, 5, 'HW_ERR_CSV_ROW', 'user_id'],
      [3, 5, 'HW_ERR_CSV_ROW', 'timestamp'],
    ]);
    expect(rejected[0]?.message).toBe('tx.csv: line 2, column amount: expected a number ≥ 0 like 4500 or 99.50, got "abc"');
    expect(rejected[1]?.message).toContain('dd-mm-yyyy HH:MM');
    expect(rejected[2]?.message).toContain('expected 6 fields, got 4');
  });

  it('reports schema limits on the CSV column', () => {
    const csv = `${HEADER}\n${'x'.repeat(200)},U1,1,UPI,Pune,30-09-2025 10:05\n`;
    expect(readTransactionsCsv(csv).rejected[0]).toMatchObject({ field: 'transaction_id', line: 2, message: expect.stringContaining('at most 128 characters') });
  });

  it('fails the whole file with HW_ERR_CSV_HEADER naming the missing column', () => {
    const run = () => readTransactionsCsv('transaction_id,user_id,amount,location,timestamp\n1,U1,5,Pune,30-09-2025 10:05\n', { source: 'tx.csv' });
    expect(run).toThrow(/HW_ERR_CSV_HEADER: tx.csv, field payment_method: CSV header lacks column payment_method/);
    try {
      run();
    } catch (err) {
      expect(isHwError(err) && err.status).toBe(400);
    }
    expect(() => readTransactionsCsv('')).toThrow(/HW_ERR_CSV_HEADER/);
  });

  it('fails on an unclosed quote with the line it starts on', () => {
    expect(() => readTransactionsCsv(`${HEADER}\n1,U1,5,UPI,"Pune,30-09-2025 10:05\n`)).toThrow(/HW_ERR_CSV_ROW: line 2: a quoted field is never closed/);
  });

  it('parses UTC offsets and rejects nonsense', () => {
    expect([parseUtcOffset(undefined), parseUtcOffset('Z'), parseUtcOffset('+05:30'), parseUtcOffset('-0300'), parseUtcOffset(60)]).toEqual([0, 0, 330, -180, 60]);
    expect(() => parseUtcOffset('IST')).toThrow(/HW_ERR_CONFIG.*utcOffset/);
  });
});
