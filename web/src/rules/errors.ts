import type { ErrorSchema } from '@rjsf/utils';
import type { ApiErrorBody, FieldError } from '../api/types';

/**
 * A field path from the API — a JSON pointer (/detector/minLift, /spec/detector/minLift) or
 * a Kubernetes path (spec.detector.minLift, spec.channels[0].email) — as path segments of the spec.
 */
export function specPath(field: string): string[] {
  const parts = field.startsWith('/')
    ? field.split('/').slice(1)
    : field.replace(/\[(\d+)\]/g, '.$1').split('.');
  const clean = parts.filter((p) => p !== '');
  return clean[0] === 'spec' ? clean.slice(1) : clean;
}

export function fieldErrors(body: ApiErrorBody): FieldError[] {
  if (body.issues && body.issues.length > 0) return body.issues;
  return body.field ? [{ field: body.field, message: body.message }] : [];
}

/** Server-side validation errors (ours or the Kubernetes API server's) as rjsf's extraErrors. */
export function toErrorSchema(errors: FieldError[]): ErrorSchema {
  const root: Record<string, unknown> = {};
  for (const e of errors) {
    let node = root;
    for (const p of specPath(e.field)) node = (node[p] ??= {}) as Record<string, unknown>;
    const list = ((node.__errors ??= []) as string[]);
    list.push(e.message);
  }
  return root as ErrorSchema;
}
