import { Type, type Static } from '@sinclair/typebox';

/** Event types HerdWatch understands. Weights in rules refer to these names. */
export const EVENT_TYPES = ['view', 'add_to_cart', 'remove_from_cart', 'purchase', 'payment'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const Str = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, description });
/** Ids: exports often carry them as numbers (REES46's product_id); stored as strings. */
const Id = (description: string) => Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })], { description: `${description}; a number is taken as its decimal string` });

/** Attribute keys: 1–64 characters. (A key schema's maxLength would be dropped: TypeBox turns the key into a pattern.) */
const ATTR_KEY = '^[\\s\\S]{1,64}$';

/**
 * The one canonical event, as it arrives on the wire (JSON) and as it is written to Kafka.
 * `ts` may be an ISO-8601 string or epoch milliseconds on input; after normalisation it is
 * always epoch milliseconds. Anything shop-specific goes in `attrs`.
 */
export const EventSchema = Type.Object(
  {
    id: Type.Optional(Id('Unique event id; generated on ingest when absent')),
    type: Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)), { description: 'What happened' }),
    ts: Type.Union([Type.String({ minLength: 8, maxLength: 40 }), Type.Integer({ minimum: 0 })], {
      description: 'Event time: epoch milliseconds (number or digits), ISO-8601, "2019-10-01 00:00:00 UTC", "2019-10-01 00:00:00" (UTC) or "01-10-2019 00:00" (dd-mm-yyyy, UTC); between 2000 and 2100, a real calendar date',
    }),
    productId: Type.Optional(Id('Product (SKU) id')),
    userId: Type.Optional(Id('User id')),
    sessionId: Type.Optional(Id('Session id')),
    price: Type.Optional(Type.Number({ minimum: 0, description: 'Unit price' })),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Units' })),
    amount: Type.Optional(Type.Number({ minimum: 0, description: 'Transaction amount' })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO-4217 currency code' })),
    category: Type.Optional(Str(128, 'Product category')),
    region: Type.Optional(Str(64, 'Sales region')),
    location: Type.Optional(Str(128, 'City or location of the user')),
    paymentMethod: Type.Optional(Str(64, 'Payment method')),
    attrs: Type.Optional(
      Type.Record(Type.String({ pattern: ATTR_KEY }), Type.Union([Type.String({ maxLength: 512 }), Type.Number(), Type.Boolean()]), {
        description: 'Free-form attributes; rules may match and key on them',
        maxProperties: 32,
        additionalProperties: false,
      }),
    ),
    count: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Pre-aggregated: this event stands for `count` events (0: an observed empty interval)' })),
  },
  { additionalProperties: false },
);

export type WireEvent = Static<typeof EventSchema>;

export type ValueTier = 'Low' | 'Medium' | 'High';

/** The canonical in-process event: normalised (ts in ms, id present) and enriched. */
export interface HerdEvent extends Omit<WireEvent, 'ts' | 'id' | 'productId' | 'userId' | 'sessionId'> {
  id: string;
  productId?: string;
  userId?: string;
  sessionId?: string;
  /** Event time, epoch milliseconds. */
  ts: number;
  /** Receive time at the ingest edge, epoch milliseconds. */
  receivedAt?: number;
  /** Value tier of `amount` (or price × quantity), by configurable bounds. */
  valueTier?: ValueTier;
}
