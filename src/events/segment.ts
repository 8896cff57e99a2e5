import type { FieldMap } from './accept.js';
import type { RejectedEvent } from './types.js';

/**
 * Segment e-commerce spec v2 → canonical events. Only the calls that describe shopping
 * behaviour map; anything else is rejected with HW_ERR_SEGMENT_EVENT so a sender notices.
 */
const SINGLE: Readonly<Record<string, 'view' | 'add_to_cart' | 'remove_from_cart'>> = {
  'Product Viewed': 'view',
  'Product Added': 'add_to_cart',
  'Product Removed': 'remove_from_cart',
};
export const SEGMENT_EVENTS = [...Object.keys(SINGLE), 'Order Completed'] as const;
const CALL_TYPES = new Set(['track', 'page', 'screen', 'identify', 'group', 'alias']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface SegmentCandidate {
  readonly wire: Obj;
  readonly fields: FieldMap;
}

/** Segment calls carry `event`/`messageId`/`anonymousId` or a Segment call type; canonical events carry `ts`. */
export function isSegmentCall(value: unknown): value is Obj {
  if (!isObj(value)) return false;
  if (typeof value.type === 'string' && CALL_TYPES.has(value.type)) return true;
  return !('ts' in value) && (typeof value.event === 'string' || 'messageId' in value || 'anonymousId' in value);
}

function timeOf(call: Obj): { ts: unknown; field: string } {
  for (const f of ['timestamp', 'originalTimestamp', 'sentAt', 'receivedAt']) {
    if (call[f] !== undefined) return { ts: call[f], field: `/${f}` };
  }
  return { ts: undefined, field: '/timestamp' };
}

function drop(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function common(call: Obj): { base: Obj; fields: Record<string, string> } {
  const time = timeOf(call);
  const user = call.userId ?? call.anonymousId;
  const userField = call.userId !== undefined ? '/userId' : '/anonymousId';
  return {
    base: drop({ ts: time.ts, userId: typeof user === 'number' ? String(user) : user ?? undefined }),
    fields: { '/ts': time.field, '/userId': userField, '/id': '/messageId' },
  };
}

function product(p: Obj, at: string): { part: Obj; fields: Record<string, string> } {
  const idField = p.product_id !== undefined ? 'product_id' : 'sku';
  const id = p[idField];
  return {
    part: drop({
      productId: typeof id === 'number' ? String(id) : id,
      price: p.price,
      quantity: p.quantity,
      category: p.category,
    }),
    fields: { '/productId': `${at}/${idField}`, '/price': `${at}/price`, '/quantity': `${at}/quantity`, '/category': `${at}/category` },
  };
}

/** Maps one Segment call to candidate wire events (Order Completed gives one per product). */
export function fromSegment(call: Obj, index: number): SegmentCandidate[] | RejectedEvent {
  const name = call.event;
  const unknown = (message: string, field = '/event'): RejectedEvent => ({ index, code: 'HW_ERR_SEGMENT_EVENT', field, message });
  if (call.type !== undefined && call.type !== 'track') {
    return unknown(`Segment "${String(call.type)}" calls are not shopping events; expected a track call of ${SEGMENT_EVENTS.join(', ')}`, '/type');
  }
  if (typeof name !== 'string') return unknown(`expected a Segment track call with event one of ${SEGMENT_EVENTS.join(', ')}`);
  const props = isObj(call.properties) ? call.properties : {};
  const { base, fields } = common(call);
  const messageId = typeof call.messageId === 'string' ? call.messageId : undefined;
  const currency = typeof props.currency === 'string' ? props.currency.toUpperCase() : props.currency;

  // Own keys only: an event named `constructor` or `toString` must not find Object's.
  const type = Object.hasOwn(SINGLE, name) ? SINGLE[name] : undefined;
  if (type !== undefined) {
    const p = product(props, '/properties');
    return [{
      wire: drop({ ...base, type, id: messageId, ...p.part, currency }),
      fields: { ...fields, ...p.fields, '/currency': '/properties/currency' },
    }];
  }
  if (name === 'Order Completed') {
    const products = props.products;
    if (!Array.isArray(products) || products.length === 0) {
      return unknown('expected properties.products to list at least one product', '/properties/products');
    }
    const orderId = props.order_id;
    return products.map((raw, i) => {
      const at = `/properties/products/${i}`;
      const p = product(isObj(raw) ? raw : {}, at);
      const price = typeof p.part.price === 'number' ? p.part.price : undefined;
      const quantity = typeof p.part.quantity === 'number' ? p.part.quantity : 1;
      return {
        wire: drop({
          ...base,
          type: 'purchase',
          id: messageId === undefined ? undefined : `${messageId}:${i}`,
          ...p.part,
          amount: price === undefined ? undefined : price * quantity,
          currency,
          attrs: orderId === undefined || orderId === null ? undefined : { orderId: String(orderId) },
        }),
        fields: { ...fields, ...p.fields, '/currency': '/properties/currency', '/amount': `${at}/price`, '/attrs': '/properties/order_id' },
      };
    });
  }
  return unknown(`Segment event "${name}" is not mapped; expected one of ${SEGMENT_EVENTS.join(', ')}`);
}
