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
export function accept(candidate: unknown, index: number, fields?: FieldMap, prefix = ''): HerdEvent | RejectedEvent[] {
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
  const event = normalize(checked.event);
  if ('field' in event) return [{ index, code: 'HW_ERR_EVENT_FIELD', ...blame(event, fields, prefix) }];
  return event;
}

/** Collects accepted events and rejections across a batch. */
export class Collector {
  readonly events: HerdEvent[] = [];
  readonly rejected: RejectedEvent[] = [];

  add(result: HerdEvent | RejectedEvent[]): void {
    if (Array.isArray(result)) this.rejected.push(...result);
    else this.events.push(result);
  }

  reject(r: RejectedEvent): void {
    this.rejected.push(r);
  }

  result(): ParseResult {
    return { events: this.events, rejected: this.rejected };
  }
}
