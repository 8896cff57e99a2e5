/** Shapes of the HerdWatch API as the app reads them (see docs/api.md). */
export type AlertState = 'firing' | 'escalated' | 'resolved';

export interface Transition {
  id: string;
  state: AlertState;
  ruleUid: string;
  rule: string;
  detector: string;
  severity: string;
  key: string;
  onset: number;
  at: number;
  value: number;
  baseline: number;
  lift: number;
  score: number;
  reason: string;
  eventIds?: string[];
  actors?: number;
}

export interface TrendingEntry {
  key: string;
  value: number;
  baseline: number;
  lift: number;
  score: number;
  firing: boolean;
  actors?: number;
}

export interface TrendingSnapshot {
  rule: string;
  ruleUid: string;
  at: number;
  entries: TrendingEntry[];
}

export interface RuleStatus {
  ready?: boolean;
  reason?: string;
  message?: string;
  replicas?: number;
  readyReplicas?: number;
  lastAlertTime?: string;
}

export interface RuleDoc {
  namespace: string;
  name: string;
  uid: string;
  spec: Record<string, unknown>;
  status?: RuleStatus;
  resourceVersion?: string;
}

export interface AuditEntry {
  at: number;
  actor: string;
  action: 'create' | 'update' | 'delete' | 'pause' | 'resume';
  rule: string;
  summary: string;
}

export interface SeriesPoint {
  t: number;
  bucket: number;
  window: number;
}

export interface Series {
  rule: string;
  key: string;
  detector: string;
  bucketMs: number;
  windowMs: number;
  points: SeriesPoint[];
  expected: { t: number; baseline: number }[];
  threshold: { minLift?: number; minEvents?: number; above?: number; maxEvents?: number };
  transitions: Transition[];
  byType: Record<string, number>;
  byRegion: Record<string, number>;
  product?: { name?: string; category?: string };
}

export interface TrafficMinute {
  minute: number;
  byType: Record<string, number>;
}

export interface Money {
  revenue: number;
  orders: number;
}

export interface KpiMinute {
  minute: number;
  revenue: number;
  orders: number;
  byTier: Record<string, Money>;
  byPayment: Record<string, Money>;
  byRegion: Record<string, Money>;
}

export interface Ranked {
  key: string;
  revenue: number;
  orders: number;
}

export interface Kpis {
  currency?: string;
  minutes: KpiMinute[];
  topProducts: Ranked[];
  topRegions: Ranked[];
  total?: Money;
}

export interface BacktestJob {
  id: string;
  state: 'running' | 'done' | 'failed';
  progress: { events: number; total: number };
  from: number;
  to: number;
  alerts?: Transition[];
  perHour?: { hour: number; count: number }[];
  saved?: { alerts: number; perHour: { hour: number; count: number }[] };
  error?: ApiErrorBody;
}

export interface FieldError {
  field: string;
  message: string;
}

export interface ApiErrorBody {
  code: string;
  message: string;
  field?: string;
  expected?: string;
  issues?: FieldError[];
}
