import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, qs } from './client';
import { keys } from './keys';
import type { AlertRecord, AuditEntry, Kpis, RuleDoc, Series, Silence, TrafficMinute, Transition, TrendingSnapshot } from './types';

/** One hook per API resource. Live resources are also fed by useLiveStream. */

export interface Me {
  authenticated: boolean;
  tokensRequired: boolean;
  roles: string[];
  user?: string;
  rulesBackend: 'memory' | 'kubernetes' | 'files';
  defaultNamespace?: string;
}

export function useMe() {
  return useQuery({ queryKey: keys.me, queryFn: () => api<Me>('/api/v1/me'), staleTime: 60_000 });
}

export function useTrending() {
  return useQuery({ queryKey: keys.trending, queryFn: () => api<{ rules: TrendingSnapshot[] }>('/api/v1/trending?limit=20'), staleTime: Infinity });
}

export function useAlerts() {
  return useQuery({ queryKey: keys.alerts, queryFn: () => api<{ alerts: Transition[] }>('/api/v1/alerts?limit=200'), staleTime: Infinity });
}

export function useSeries(alertId: string, hours: number) {
  return useQuery({
    queryKey: keys.series('alert', alertId, hours),
    queryFn: () => api<Series>(`/api/v1/series${qs({ alert: alertId, hours })}`),
    refetchInterval: 5_000,
  });
}

/** The notifier's record of one alert (who acknowledged or silenced it); absent without a notifier store. */
export function useAlertRecord(id: string) {
  return useQuery({ queryKey: keys.alert(id), queryFn: () => api<{ alert: AlertRecord }>(`/api/v1/alerts/${encodeURIComponent(id)}`), retry: false, refetchInterval: 10_000 });
}

export function useSilences() {
  return useQuery({ queryKey: keys.silences, queryFn: () => api<{ silences: Silence[] }>('/api/v1/silences'), retry: false, refetchInterval: 10_000 });
}

export type SilenceInput =
  | { kind: 'ack'; alertId: string; for: string; by?: string }
  | { kind: 'silence'; alertId?: string; rule?: string; key?: string; for: string; by?: string };

/** Acknowledge an alert, or silence an alert, a rule or a key; DELETE ends one. */
export function useSilenceActions() {
  const client = useQueryClient();
  const refresh = () => {
    void client.invalidateQueries({ queryKey: keys.silences });
    void client.invalidateQueries({ queryKey: ['alert'] });
  };
  const add = useMutation({
    mutationFn: (s: SilenceInput) => s.kind === 'ack'
      ? api<{ silence: Silence }>(`/api/v1/alerts/${encodeURIComponent(s.alertId)}/ack`, { method: 'POST', body: { for: s.for, ...(s.by ? { by: s.by } : {}) } })
      : api<{ silence: Silence }>('/api/v1/silences', { method: 'POST', body: s }),
    onSuccess: refresh,
  });
  const end = useMutation({ mutationFn: (id: string) => api<unknown>(`/api/v1/silences/${encodeURIComponent(id)}`, { method: 'DELETE' }), onSuccess: refresh });
  return { add, end };
}

export function useTraffic() {
  return useQuery({
    queryKey: keys.traffic,
    queryFn: () => api<{ minutes: TrafficMinute[] }>('/api/v1/traffic?minutes=60'),
    refetchInterval: 1_000,
  });
}

export function useKpis(from?: number, to?: number) {
  return useQuery({ queryKey: keys.kpis(from, to), queryFn: () => api<Kpis>(`/api/v1/kpis${qs({ from, to })}`), refetchInterval: 5_000 });
}

export function useRules() {
  return useQuery({ queryKey: keys.rules, queryFn: () => api<{ rules: RuleDoc[] }>('/api/v1/rules?full=true'), refetchInterval: 10_000 });
}

export function useAudit() {
  return useQuery({ queryKey: keys.audit, queryFn: () => api<{ entries: AuditEntry[] }>('/api/v1/rules/audit') });
}

function rulePath(namespace: string, name: string): string {
  return `/api/v1/rules/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

export interface SaveRuleInput {
  namespace: string;
  name: string;
  spec: Record<string, unknown>;
  create: boolean;
  dryRun?: boolean;
  resourceVersion?: string;
}

export function useSaveRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (r: SaveRuleInput) => {
      const body = { metadata: { name: r.name, namespace: r.namespace, ...(r.resourceVersion ? { resourceVersion: r.resourceVersion } : {}) }, spec: r.spec };
      const dry = r.dryRun ? '?dryRun=true' : '';
      return r.create
        ? api<RuleDoc>(`/api/v1/rules${dry}`, { method: 'POST', body })
        : api<RuleDoc>(`${rulePath(r.namespace, r.name)}${dry}`, { method: 'PUT', body });
    },
    onSuccess: (_doc, r) => {
      if (r.dryRun) return;
      void client.invalidateQueries({ queryKey: keys.rules });
      void client.invalidateQueries({ queryKey: keys.audit });
    },
  });
}

export function useDeleteRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (r: { namespace: string; name: string }) => api<unknown>(rulePath(r.namespace, r.name), { method: 'DELETE' }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.rules });
      void client.invalidateQueries({ queryKey: keys.audit });
    },
  });
}

export interface BacktestInput {
  spec: Record<string, unknown>;
  hours: number;
  compareTo?: { namespace: string; name: string };
}
