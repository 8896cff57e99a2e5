/** TanStack Query keys, one per API resource. */
export const keys = {
  me: ['me'] as const,
  trending: ['trending'] as const,
  /** Recent values per key of one rule's trending entries, for the sparklines (fed by the stream). */
  sparks: (ruleUid: string) => ['sparks', ruleUid] as const,
  alerts: ['alerts'] as const,
  alert: (id: string) => ['alert', id] as const,
  silences: ['silences'] as const,
  series: (rule: string, key: string, hours: number) => ['series', rule, key, hours] as const,
  traffic: ['traffic'] as const,
  kpis: (from?: number, to?: number) => ['kpis', from ?? null, to ?? null] as const,
  rules: ['rules'] as const,
  rule: (ns: string, name: string) => ['rule', ns, name] as const,
  audit: ['audit'] as const,
};
