import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { authHeaders } from './client';
import { SseParser } from './sse';
import type { Transition, TrendingSnapshot } from './types';
import { keys } from './keys';

/** Values kept per key for a sparkline. */
const SPARK_POINTS = 30;

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

/**
 * Keeps the TanStack Query cache live from GET /api/v1/stream: trending snapshots replace
 * the cached ones, alert transitions are prepended to the alert feed. Reconnects with a
 * growing delay when the stream drops. Views just read the cache through their hooks.
 */
export function useLiveStream(): StreamStatus {
  const client = useQueryClient();
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const retry = useRef(0);

  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;

    const onTrending = (s: TrendingSnapshot) => {
      client.setQueryData<Record<string, number[]>>(keys.sparks(s.ruleUid), (old) => {
        const next: Record<string, number[]> = {};
        for (const e of s.entries) next[e.key] = [...(old?.[e.key] ?? []), e.value].slice(-SPARK_POINTS);
        return next;
      });
      client.setQueryData<{ rules: TrendingSnapshot[] }>(keys.trending, (old) => {
        const rules = (old?.rules ?? []).filter((r) => r.ruleUid !== s.ruleUid);
        rules.push(s);
        rules.sort((a, b) => a.rule.localeCompare(b.rule));
        return { rules };
      });
    };
    const onAlert = (t: Transition) => {
      client.setQueryData<{ alerts: Transition[] }>(keys.alerts, (old) => {
        const alerts = (old?.alerts ?? []).filter((a) => !(a.id === t.id && a.state === t.state));
        return { alerts: [t, ...alerts].slice(0, 200) };
      });
    };

    const connect = async () => {
      try {
        const res = await fetch('/api/v1/stream', { headers: authHeaders(), signal: abort.signal });
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        setStatus('live');
        retry.current = 0;
        const parser = new SseParser();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const m of parser.push(value)) {
            if (m.event === 'trending') onTrending(JSON.parse(m.data) as TrendingSnapshot);
            else if (m.event === 'alert') onAlert(JSON.parse(m.data) as Transition);
          }
        }
        throw new Error('stream ended');
      } catch {
        if (abort.signal.aborted) return;
        setStatus('reconnecting');
        retry.current = Math.min(retry.current + 1, 5);
        timer = setTimeout(() => void connect(), 500 * 2 ** retry.current);
      }
    };
    void connect();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [client]);

  return status;
}
