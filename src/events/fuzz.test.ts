import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHwError } from '../errors.js';
import { validateRuleSpec } from '../rules/index.js';
import { parseEvents, readTransactionsCsv } from './index.js';

// Nothing a user sends may crash a process: bad input is a rejection or an HwError, never a TypeError.
describe('hostile input', () => {
  const event = fc.record({
    type: fc.oneof(fc.constantFrom('view', 'purchase', 'track'), fc.anything()),
    ts: fc.oneof(fc.integer(), fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.anything()),
    event: fc.oneof(fc.constantFrom('Order Completed', 'Product Viewed'), fc.anything()),
    properties: fc.oneof(fc.record({ products: fc.array(fc.anything()) }), fc.anything()),
    price: fc.anything(),
    attrs: fc.anything(),
  }, { requiredKeys: [] });

  it('parseEvents never throws and accounts for every item', () => {
    fc.assert(fc.property(fc.oneof(fc.anything(), fc.array(event), event, fc.string()), (body) => {
      const { events, rejected } = parseEvents(body as unknown);
      for (const e of events) {
        expect(typeof e.id).toBe('string');
        expect(Number.isFinite(e.ts)).toBe(true);
      }
      for (const r of rejected) expect(r.code).toMatch(/^HW_ERR_/);
    }), { numRuns: 300 });
  });

  it('parseEvents on arbitrary text never throws', () => {
    fc.assert(fc.property(fc.string(), fc.constantFrom(undefined, 'application/x-ndjson'), (text, ct) => {
      parseEvents(text, ct);
    }), { numRuns: 300 });
  });

  it('readTransactionsCsv throws only HwErrors', () => {
    const header = 'transaction_id,user_id,amount,payment_method,location,timestamp\n';
    fc.assert(fc.property(fc.string(), fc.boolean(), (text, withHeader) => {
      try {
        readTransactionsCsv(withHeader ? header + text : text);
      } catch (err) {
        expect(isHwError(err)).toBe(true);
      }
    }), { numRuns: 300 });
  });

  it('validateRuleSpec throws only HW_ERR_RULE_INVALID', () => {
    const spec = fc.record({
      detector: fc.oneof(fc.record({ type: fc.constantFrom('surge', 'velocity', 'threshold', 'novelty'), window: fc.oneof(fc.string(), fc.anything()), bucket: fc.string() }, { requiredKeys: ['type'] }), fc.anything()),
      channels: fc.oneof(fc.array(fc.anything()), fc.anything()),
      source: fc.anything(),
    }, { requiredKeys: [] });
    fc.assert(fc.property(fc.oneof(spec, fc.anything()), (s) => {
      try {
        validateRuleSpec(s);
      } catch (err) {
        expect((err as { code?: string }).code).toBe('HW_ERR_RULE_INVALID');
      }
    }), { numRuns: 300 });
  });
});
