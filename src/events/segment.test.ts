import { describe, expect, it } from 'vitest';
import { parseEvents } from './index.js';

const TS = '2025-09-30T10:05:00.000Z';
const MS = Date.UTC(2025, 8, 30, 10, 5);
const call = (event: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({ type: 'track', event, messageId: `m-${event}`, userId: 'u1', timestamp: TS, properties, ...extra });

describe('Segment e-commerce spec v2', () => {
  it('maps Product Viewed / Added / Removed to view / add_to_cart / remove_from_cart', () => {
    const props = { product_id: 'sku-1', category: 'sneakers', price: 99.5, quantity: 1, currency: 'eur', name: 'Runner' };
    const { events, rejected } = parseEvents({ batch: [call('Product Viewed', props), call('Product Added', props), call('Product Removed', props)] });
    expect(rejected).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['view', 'add_to_cart', 'remove_from_cart']);
    expect(events[0]).toEqual({ id: 'm-Product Viewed', type: 'view', ts: MS, userId: 'u1', productId: 'sku-1', category: 'sneakers', price: 99.5, quantity: 1, currency: 'EUR' });
  });

  it('maps Order Completed to one purchase per product with amount = price × quantity', () => {
    const order = call('Order Completed', {
      order_id: 'o-7', currency: 'USD',
      products: [{ product_id: 'a', price: 20, quantity: 3, category: 'boots' }, { sku: 'b', price: 5 }],
    }, { userId: undefined, anonymousId: 'anon-9' });
    const { events, rejected } = parseEvents(JSON.stringify(order));
    expect(rejected).toEqual([]);
    expect(events).toEqual([
      { id: 'm-Order Completed:0', type: 'purchase', ts: MS, userId: 'anon-9', productId: 'a', price: 20, quantity: 3, category: 'boots', amount: 60, currency: 'USD', attrs: { orderId: 'o-7' } },
      { id: 'm-Order Completed:1', type: 'purchase', ts: MS, userId: 'anon-9', productId: 'b', price: 5, amount: 5, currency: 'USD', attrs: { orderId: 'o-7' } },
    ]);
  });

  it('blames the Segment field, not the canonical one, and keeps the good products', () => {
    const order = call('Order Completed', { products: [{ product_id: 'a', price: 1 }, { product_id: 'b', price: 'free' }] });
    const { events, rejected } = parseEvents([order]);
    expect(events.map((e) => e.productId)).toEqual(['a']);
    expect(rejected).toEqual([{ index: 0, code: 'HW_ERR_EVENT_FIELD', field: '/properties/products/1/price', message: 'expected number ≥ 0, got "free"' }]);
  });

  it('rejects unknown events, non-track calls and orders without products with HW_ERR_SEGMENT_EVENT', () => {
    const { events, rejected } = parseEvents({ batch: [
      call('Cart Viewed', {}),
      { type: 'identify', userId: 'u1', traits: {} },
      call('Order Completed', { products: [] }),
    ] });
    expect(events).toEqual([]);
    expect(rejected.map((r) => [r.index, r.code, r.field])).toEqual([
      [0, 'HW_ERR_SEGMENT_EVENT', '/event'],
      [1, 'HW_ERR_SEGMENT_EVENT', '/type'],
      [2, 'HW_ERR_SEGMENT_EVENT', '/properties/products'],
    ]);
    expect(rejected[0]?.message).toContain('"Cart Viewed" is not mapped; expected one of Product Viewed');
  });

  it('reports a missing timestamp on the Segment field', () => {
    const { rejected } = parseEvents(call('Product Viewed', { product_id: 'a' }, { timestamp: undefined }));
    expect(rejected).toEqual([{ index: 0, code: 'HW_ERR_EVENT_FIELD', field: '/timestamp', message: expect.stringContaining('is required') }]);
  });
});
