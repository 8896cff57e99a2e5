/** Shapes of the HerdWatch API as the app reads them (see docs/api.md). */
export type AlertState = 'firing' | 'escalated' | 'resolved';

// Made from the server's route schemas (src/api/wire-types.ts), type-only: what the server sends.
export type {
  AlertRecord, ApiErrorBody, BacktestJob, FieldError, Series, SeriesPoint, Silence, TrafficMinute, Transition, TrendingEntry, TrendingSnapshot,
} from '../../../src/api/wire-types';

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

