import type { AlertRecord, AlertTransition, Delivery, DeliveryResponse } from '../../store/notify/types.js';

/** What a channel is asked to send: one delivery of one transition (or a digest of many). */
export interface SendRequest {
  readonly delivery: Delivery;
  readonly alert: AlertRecord;
  readonly transition: AlertTransition;
  /** The firing delivery of the same alert and target, for threading and edits. */
  readonly parent?: Delivery;
  /** A digest's summarised deliveries with their alerts. */
  readonly digest?: readonly { delivery: Delivery; alert: AlertRecord | undefined }[];
  readonly signal: AbortSignal;
}

export interface SendResult {
  /** Remembered on the delivery row (e.g. Slack's message ts). */
  readonly response?: DeliveryResponse;
}

export interface Channel {
  send(req: SendRequest): Promise<SendResult>;
}

/**
 * How a send failed. `retry` comes back later (after `retryAfterMs` when the receiver said
 * so), `permanent` goes to the dead letters now, `disable` also turns the endpoint off (410).
 */
export type FailureKind = 'retry' | 'permanent' | 'disable';

export class DeliveryFailure extends Error {
  readonly code = 'HW_DELIVERY_FAILED';
  constructor(readonly kind: FailureKind, message: string, readonly retryAfterMs?: number, readonly status?: number) {
    super(message);
  }
}

export function isDeliveryFailure(err: unknown): err is DeliveryFailure {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'HW_DELIVERY_FAILED';
}

/** Seconds or an HTTP date → ms from now (undefined when absent or unreadable). */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const s = Number(value.trim());
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** An HTTP status → how to treat it: 429 and 503 honour Retry-After, other 5xx and 408 retry, 410 disables, other 4xx are permanent. */
export function failureForStatus(status: number, text: string, retryAfter?: string | null): DeliveryFailure {
  const msg = `${status} ${text}`.trim();
  if (status === 410) return new DeliveryFailure('disable', `${msg}: the receiver says this endpoint is gone; it is disabled`, undefined, status);
  if (status === 429 || status === 503) return new DeliveryFailure('retry', msg, parseRetryAfter(retryAfter), status);
  if (status >= 500 || status === 408) return new DeliveryFailure('retry', msg, undefined, status);
  return new DeliveryFailure('permanent', msg, undefined, status);
}
