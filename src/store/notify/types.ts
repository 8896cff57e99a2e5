import type { Transition } from '../../engine/types.js';
import type { HerdEvent, ValueTier } from '../../events/schema.js';

/**
 * What the notifier keeps: alert history, the delivery outbox, silences, transactions and
 * per-minute KPIs. MongoDB in production (mongo.ts), an in-memory twin for `dev` and unit
 * tests (memory.ts); both pass the same contract tests (contract.ts).
 */

/** Transition states the notifier understands; `escalated` updates the message already sent. */
export type NotifyState = Transition['state'];
export type ChannelKind = 'slack' | 'email' | 'alertmanager' | 'webhook';

/** A transition as read from the alerts topic; product name and category when the events carried them. */
export type AlertTransition = Transition & {
  readonly name?: string;
  readonly category?: string;
};

export interface AlertRecord {
  readonly id: string;
  readonly rule: string;
  readonly ruleUid: string;
  readonly key: string;
  readonly severity: string;
  readonly detector: string;
  /** State of the newest transition (by event time). */
  readonly state: NotifyState;
  readonly onset: number;
  /** Wall-clock ms the first / latest transition was stored. */
  readonly firstAt: number;
  readonly lastAt: number;
  readonly transitions: readonly AlertTransition[];
}

export type DeliveryStatus = 'pending' | 'claimed' | 'sent' | 'dead' | 'silenced' | 'digested';
export const TERMINAL: ReadonlySet<DeliveryStatus> = new Set(['sent', 'dead', 'silenced', 'digested']);

/** What a channel remembers from a send, e.g. Slack's message ts for threading and edits. */
export type DeliveryResponse = Readonly<Record<string, string>>;

/** One row of the outbox: unique per (alert id, transition, channel target). */
export interface Delivery {
  /** `<alert id>|<transition>|<target>`: stable, so it is also the channel's idempotency key. */
  readonly id: string;
  readonly alertId: string;
  /** `firing`, `resolved`, or `escalated@<at>` (an alert may escalate more than once). */
  readonly transition: string;
  readonly state: NotifyState;
  readonly channel: ChannelKind;
  /** The rule's channel entry, `<namespace>/<rule>/<kind>#<index>`: what rate limits and 410s apply to. */
  readonly target: string;
  readonly rule: string;
  readonly ruleUid: string;
  readonly key: string;
  /** A delivery that must be final (sent, dead, ...) before this one is sent: a resolve waits for its firing. */
  readonly after?: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** Not before this wall-clock ms. */
  readonly nextAt: number;
  readonly claimedBy?: string;
  readonly claimUntil?: number;
  /** How many times the row was claimed; the MongoDB store makes each claim unique with it. */
  readonly claimSeq?: number;
  readonly lastError?: string;
  /** Wall-clock ms the transition was read from the topic. */
  readonly createdAt: number;
  readonly sentAt?: number;
  /** createdAt → sentAt. */
  readonly latencyMs?: number;
  readonly response?: DeliveryResponse;
  /** A digest row summarises the deliveries whose `digest` names it. */
  readonly digest?: string;
}

/** How a claimed delivery ended (or was put back). Only its claimer may finish it. */
export interface DeliveryOutcome {
  readonly status: 'pending' | 'sent' | 'dead' | 'silenced' | 'digested';
  readonly nextAt?: number;
  readonly lastError?: string;
  readonly sentAt?: number;
  readonly latencyMs?: number;
  readonly response?: DeliveryResponse;
  readonly digest?: string;
  /** Whether this finish counts as an attempt (a put-back waiting for its predecessor does not). */
  readonly attempted?: boolean;
}

export interface AlertListQuery {
  readonly rule?: string;
  readonly key?: string;
  readonly state?: NotifyState;
  /** lastAt range, wall-clock ms. */
  readonly from?: number;
  readonly to?: number;
  readonly limit?: number;
  /** Opaque cursor from the previous page. */
  readonly cursor?: string;
}

export interface AlertPage {
  readonly alerts: AlertRecord[];
  readonly next?: string;
}

export interface Silence {
  readonly id: string;
  readonly kind: 'silence' | 'ack';
  readonly alertId?: string;
  readonly rule?: string;
  readonly key?: string;
  readonly createdAt: number;
  readonly until: number;
  readonly by?: string;
  readonly comment?: string;
}

/**
 * A target its receiver disabled (HTTP 410 Gone). Kept in the store so every replica and every
 * restart honours it; `endpoint` is a hash of the URL, so pointing the Secret at a new URL
 * enables the target again.
 */
export interface DisabledTarget {
  readonly target: string;
  readonly endpoint: string;
  readonly reason: string;
  readonly at: number;
}

export interface OutboxStats {
  readonly channel: ChannelKind;
  /** Not yet final. */
  readonly depth: number;
  /** createdAt of the oldest not-yet-final delivery. */
  readonly oldestAt?: number;
  readonly dead: number;
}

/** A stored transaction: the enriched purchase/payment event with its minute bucket. */
export interface TransactionRecord {
  readonly id: string;
  readonly ts: number;
  readonly minute: number;
  readonly amount: number;
  readonly userId?: string;
  readonly productId?: string;
  readonly paymentMethod: string;
  readonly region: string;
  readonly location?: string;
  readonly valueTier: ValueTier;
  readonly receivedAt?: number;
  readonly event: HerdEvent;
}

export interface Sums {
  revenue: number;
  orders: number;
}

/** Rollup of one minute (or hour/day when read with `by`). */
export interface KpiBucket {
  readonly minute: number;
  readonly revenue: number;
  readonly orders: number;
  readonly byTier: Readonly<Record<string, Sums>>;
  readonly byPayment: Readonly<Record<string, Sums>>;
  readonly byRegion: Readonly<Record<string, Sums>>;
  readonly byProduct: Readonly<Record<string, Sums>>;
}

export type KpiStep = 'minute' | 'hour' | 'day';

export interface KpiReport {
  readonly minutes: Omit<KpiBucket, 'byProduct'>[];
  readonly topProducts: ({ key: string } & Sums)[];
  readonly topRegions: ({ key: string } & Sums)[];
}

/** How long documents live. Each document carries its own `expireAt`, set when written. */
export interface RetentionPolicy {
  /** Alerts (after their last transition), final deliveries and expired silences. */
  readonly alertsMs: number;
  readonly transactionsMs: number;
  readonly kpisMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { alertsMs: 90 * 86_400_000, transactionsMs: 30 * 86_400_000, kpisMs: 400 * 86_400_000 };

export interface SweepResult {
  readonly alerts: number;
  readonly deliveries: number;
  readonly transactions: number;
  readonly kpis: number;
  readonly silences: number;
}

export interface NotifierStore {
  /** Creates collections and indexes (idempotent). */
  init(): Promise<void>;
  /** Adds a transition to its alert (idempotent by state and event time). */
  recordTransition(t: AlertTransition, now: number): Promise<AlertRecord>;
  /** Inserts outbox rows; rows that exist already are left alone. Returns how many were new. */
  enqueue(rows: readonly Delivery[]): Promise<number>;
  /** Atomically claims one due delivery (pending and due, or claimed with an expired lease). */
  claim(owner: string, now: number, leaseMs: number, opts?: { excludeTargets?: readonly string[] }): Promise<Delivery | undefined>;
  /** Finishes a claimed delivery; false when the claim was lost (another owner took it). */
  finish(id: string, owner: string, outcome: DeliveryOutcome): Promise<boolean>;
  /** Puts back every claim whose owner starts with `ownerPrefix` (a restarted instance's own claims). */
  releaseClaims(ownerPrefix: string): Promise<number>;
  delivery(id: string): Promise<Delivery | undefined>;
  deliveries(alertId: string): Promise<Delivery[]>;
  /** Deliveries summarised by one digest row. */
  digested(digestId: string): Promise<Delivery[]>;
  alert(id: string): Promise<AlertRecord | undefined>;
  alerts(query: AlertListQuery): Promise<AlertPage>;
  outboxStats(): Promise<OutboxStats[]>;
  disableTarget(d: DisabledTarget): Promise<void>;
  disabledTarget(target: string): Promise<DisabledTarget | undefined>;
  disabledTargets(): Promise<DisabledTarget[]>;
  /** Lets a disabled target be sent to again; false when it was not disabled. */
  enableTarget(target: string): Promise<boolean>;
  addSilence(s: Silence): Promise<void>;
  removeSilence(id: string): Promise<boolean>;
  silences(now: number): Promise<Silence[]>;
  /** Inserts transactions (duplicates by id ignored); returns the minutes they touched. */
  insertTransactions(rows: readonly TransactionRecord[]): Promise<number[]>;
  /** Recomputes the KPI rollup of each minute from its stored transactions. */
  rollup(minutes: readonly number[]): Promise<void>;
  kpis(from: number, to: number, step: KpiStep): Promise<KpiReport>;
  /** Deletes what expired before `now`, in batches: retention on servers without TTL indexes. */
  sweep(now: number): Promise<SweepResult>;
  close(): Promise<void>;
}
