import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, authHeaders } from './client';
import type { BacktestInput } from './hooks';
import type { ApiErrorBody, BacktestJob } from './types';

/** Splits an NDJSON body into parsed lines as chunks arrive. */
export async function readNdjson<T>(body: ReadableStream<Uint8Array>, onLine: (value: T) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buffer += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) onLine(JSON.parse(line) as T);
    }
    if (done) break;
  }
  if (buffer.trim()) onLine(JSON.parse(buffer) as T);
}

/**
 * Runs a backtest over one streamed request (POST /api/v1/backtests/stream): progress and the
 * result come back on the same connection, so it works whichever API replica answers.
 */
export function useStreamBacktest() {
  const [job, setJob] = useState<BacktestJob | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [pending, setPending] = useState(false);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const start = useCallback((input: BacktestInput) => {
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setError(undefined);
    setJob(undefined);
    setPending(true);
    void (async () => {
      try {
        const res = await fetch('/api/v1/backtests/stream', {
          method: 'POST', signal: ctl.signal, body: JSON.stringify(input),
          headers: { ...authHeaders(), 'content-type': 'application/json' },
        });
        if (!res.ok || !res.body) {
          const body = (await res.json().catch(() => ({}))) as Partial<ApiErrorBody>;
          throw new ApiError(res.status, { code: body.code ?? 'HW_ERR_HTTP', message: body.message ?? `${res.status} ${res.statusText}`, ...body } as ApiErrorBody);
        }
        let last: BacktestJob | undefined;
        await readNdjson<BacktestJob>(res.body, (j) => { last = j; setJob(j); });
        if (last?.state === 'running') throw new Error('The backtest stopped before it finished (connection lost); run it again.');
      } catch (err) {
        if (!ctl.signal.aborted) setError(err as Error);
      } finally {
        if (!ctl.signal.aborted) setPending(false);
      }
    })();
  }, []);
  return { job, error, pending, start };
}
