import { context, propagation } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

/**
 * W3C trace context of the caller, as Kafka headers (`traceparent`, `tracestate`), so a
 * trace started at the API continues in whoever consumes the message. Library code uses
 * only @opentelemetry/api: with no SDK registered this is a no-op and returns undefined.
 */
export function traceHeaders(): IHeaders | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

/** The trace context carried by a message, to continue the trace on the consumer side. */
export function contextFromHeaders(headers: IHeaders | undefined): ReturnType<typeof context.active> {
  if (!headers) return context.active();
  const carrier: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) carrier[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  }
  return propagation.extract(context.active(), carrier);
}
