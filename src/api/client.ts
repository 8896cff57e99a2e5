import { ERRORS, HwError, type ErrorCode } from '../errors.js';
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

type Answer = { accepted?: number; rejected?: unknown[]; code?: string; message?: string };

function parsed(text: string): Answer {
  try {
    return JSON.parse(text) as Answer;
  } catch {
    return {};
  }
}

/** Seconds the API asked us to wait, when it refused for now (429, 503). */
function waitFor(res: Response): number | undefined {
  if (res.status !== 429 && res.status !== 503) return undefined;
  const after = Number(res.headers.get('retry-after') ?? '1');
  return Math.max(0.1, Number.isFinite(after) ? after : 1);
}

/** A refusal the user can act on: the API's own code when it sent one. */
function refused(url: string, status: number, answer: Answer, text: string): HwError {
  const code = answer.code !== undefined && answer.code in ERRORS ? answer.code as ErrorCode : 'HW_ERR_BAD_REQUEST';
  return new HwError(code, { source: `POST ${url}`, message: `the API answered ${status}: ${answer.message ?? text.slice(0, 200)}` });
}

export async function postEvents(events: readonly HerdEvent[], opts: ClientOptions): Promise<SendResult> {
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const url = eventsUrl(opts.url);
  // Enrichment happens at the API again; send the wire form.
  const body = events.map(({ receivedAt: _r, valueTier: _v, ...wire }) => JSON.stringify(wire)).join('\n');
  const headers = { 'content-type': 'application/x-ndjson', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) };
  for (let retries = 0; ; retries++) {
    const res = await doFetch(url, { method: 'POST', headers, body, ...(opts.signal ? { signal: opts.signal } : {}) });
    const text = await res.text();
    const wait = waitFor(res);
    if (wait !== undefined && retries < (opts.maxRetries ?? 10)) {
      await sleep(wait * 1000);
      continue;
    }
    const answer = parsed(text);
    if (res.status === 202 || (res.status === 400 && answer.accepted !== undefined)) {
      return { accepted: answer.accepted ?? 0, rejected: answer.rejected?.length ?? 0, retries };
    }
    throw refused(url, res.status, answer, text);
  }
}
