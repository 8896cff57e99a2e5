import type { HerdEvent } from '../events/schema.js';

/** Sends events to a HerdWatch API as NDJSON, waiting out 429/503 as Retry-After says. */
export interface ClientOptions {
  readonly url: string;
  readonly token?: string;
  readonly maxRetries?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly signal?: AbortSignal;
}

export interface SendResult {
  readonly accepted: number;
  readonly rejected: number;
  readonly retries: number;
}

export function eventsUrl(base: string): string {
  const u = base.replace(/\/+$/, '');
  return u.endsWith('/api/v1/events') ? u : `${u}/api/v1/events`;
}

export async function postEvents(events: readonly HerdEvent[], opts: ClientOptions): Promise<SendResult> {
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // Enrichment happens at the API again; send the wire form.
  const body = events.map(({ receivedAt: _r, valueTier: _v, ...wire }) => JSON.stringify(wire)).join('\n');
  let retries = 0;
  for (;;) {
    const res = await doFetch(eventsUrl(opts.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
      body,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const text = await res.text();
    if ((res.status === 429 || res.status === 503) && retries < (opts.maxRetries ?? 10)) {
      retries++;
      const after = Number(res.headers.get('retry-after') ?? '1');
      await sleep(Math.max(0.1, Number.isFinite(after) ? after : 1) * 1000);
      continue;
    }
    let parsed: { accepted?: number; rejected?: unknown[]; code?: string; message?: string } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // not JSON: reported below
    }
    if (res.status === 202 || (res.status === 400 && parsed.accepted !== undefined)) {
      return { accepted: parsed.accepted ?? 0, rejected: parsed.rejected?.length ?? 0, retries };
    }
    throw new Error(`POST ${eventsUrl(opts.url)} → ${res.status} ${parsed.code ?? ''} ${parsed.message ?? text.slice(0, 200)}`.trim());
  }
}
