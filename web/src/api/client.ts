import type { ApiErrorBody } from './types';

const TOKEN_KEY = 'herdwatch.token';

/** The bearer token typed on the sign-in screen; kept for this browser tab only. */
export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** An API error answer: callers match on `code` (HW_ERR_*), forms on `field` and `issues`. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.status = status;
    this.body = body;
  }
}

/** An error's message for people: without the code prefix and the "(expected …)" tail meant for logs. */
export function plainMessage(err: unknown): string {
  const raw = err instanceof ApiError ? err.body.message : err instanceof Error ? err.message : String(err);
  return raw.replace(/^HW_ERR_[A-Z_]+: (?:[^:]*field [^:]+: )?/, '').replace(/ \(expected [^)]*\)$/, '');
}

export function authHeaders(): Record<string, string> {
  const token = getToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers: { ...authHeaders(), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const text = await res.text();
  const data: unknown = text === '' ? undefined : JSON.parse(text);
  if (!res.ok) {
    const body = (data ?? {}) as Partial<ApiErrorBody>;
    throw new ApiError(res.status, { code: body.code ?? 'HW_ERR_HTTP', message: body.message ?? `${res.status} ${res.statusText}`, ...body } as ApiErrorBody);
  }
  return data as T;
}

/** A query string from the defined values only. */
export function qs(params: Record<string, string | number | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}
