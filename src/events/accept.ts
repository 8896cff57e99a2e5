import type { FieldIssue } from './describe.js';
import { normalize } from './normalize.js';
import type { HerdEvent } from './schema.js';
import type { ParseResult, RejectedEvent } from './types.js';
import { checkEvent } from './validate.js';

/** Where a canonical field came from in the user's input, so errors name their field. */
export type FieldMap = Readonly<Record<string, string>>;

function blame(issue: FieldIssue, fields: FieldMap | undefined, prefix: string): { field: string; message: string } {
  const top = `/${issue.field.split('/')[1] ?? ''}`;
  const mapped = fields?.[top];
  const field = mapped === undefined ? `${prefix}${issue.field}` : `${mapped}${issue.field.slice(top.length)}`;
  return { field, message: issue.message };
}

/**
 * Validates and normalises one candidate wire event. Every field problem becomes its own
 * rejection (same index) so a user sees all of them at once.
 */
export function accept(candidate: unknown, index: number, fields?: FieldMap, prefix = '', utcOffsetMin = 0): HerdEvent | RejectedEvent[] {
  const checked = checkEvent(candidate);
  if (!checked.ok) {
    const byField = new Map<string, RejectedEvent>();
    for (const issue of checked.issues) {
      const r: RejectedEvent = { index, code: 'HW_ERR_EVENT_FIELD', ...blame(issue, fields, prefix) };
      // Derived fields (amount from price) blame the same input field; say it once.
      if (!byField.has(r.field ?? '')) byField.set(r.field ?? '', r);
    }
    return [...byField.values()];
  }
  const event = normalize(checked.event, utcOffsetMin);
  if ('field' in event) return [{ index, code: 'HW_ERR_EVENT_FIELD', ...blame(event, fields, prefix) }];
  return event;
}

export interface IngestLimits {
  /** Latest event time accepted (receive time + allowed clock skew), epoch ms. */
  readonly notAfter?: number;
}

/** An event too far ahead of its receive time, or undefined. */
export function futureEvent(event: HerdEvent, index: number, limits: IngestLimits, field = '/ts'): RejectedEvent | undefined {
  if (limits.notAfter === undefined || event.ts <= limits.notAfter) return undefined;
  return {
    index, code: 'HW_ERR_EVENT_FUTURE', field,
    message: `event time ${new Date(event.ts).toISOString()} is ahead of the receive time by more than the allowed clock skew (latest accepted: ${new Date(limits.notAfter).toISOString()})`,
  };
}

/** Collects accepted events and rejections across a batch. */
export class Collector {
  readonly events: HerdEvent[] = [];
  readonly rejected: RejectedEvent[] = [];

  constructor(private readonly limits: IngestLimits = {}) {}

  add(result: HerdEvent | RejectedEvent[], index: number): void {
    if (Array.isArray(result)) {
      for (const r of result) this.rejected.push(r);
      return;
    }
    const future = futureEvent(result, index, this.limits);
    if (future) this.rejected.push(future);
    else this.events.push(result);
  }

  reject(r: RejectedEvent): void {
    this.rejected.push(r);
  }

  result(): ParseResult {
    return { events: this.events, rejected: this.rejected };
  }
}
