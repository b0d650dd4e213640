/**
 * Storage ports: what the services need from a store. Adapters (sqlite/, later clickhouse/, postgres/)
 * implement these; only src/app/ picks and imports a concrete adapter.
 */
import type { LogSource } from '../core/event.js';
import type { EcsCore } from '../formats/profiles/types.js';
import type { CompiledQuery } from '../query/sql/compile.js';

/** An event to append: the normalized core, its log source and the original object (kept unchanged). */
export interface NewEvent {
  core: EcsCore;
  logsource: LogSource;
  original: Record<string, unknown>;
  profile: string;
  originalText?: string;
}

export interface StoredEvent {
  id: number;
  /** Event time, epoch ms (the ingest time when the event carried none). */
  ts: number;
  ingested: number;
  core: EcsCore;
  logsource: LogSource;
  profile: string;
  original: Record<string, unknown>;
}

export type SearchResult =
  | { kind: 'events'; events: StoredEvent[] }
  | { kind: 'rows'; columns: string[]; rows: Record<string, unknown>[] };

export interface EventStore {
  /** Appends the batch atomically (one transaction); returns the new ids in input order. */
  append(events: readonly NewEvent[], now?: number): number[];
  getEvent(id: number): StoredEvent | undefined;
  /** Runs a hunt query compiled against this store's schema. */
  search(query: CompiledQuery): SearchResult;
}

export type AlertStatus = 'open' | 'acknowledged' | 'closed';
export const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'closed'];

export interface NewAlert {
  ruleId: string;
  title: string;
  level: string | null;
  tags: string[];
  author: string | null;
  eventId: number;
  hostName: string | null;
  userName: string | null;
  fields: { field: string; value: string }[];
  /** Epoch ms. */
  at: number;
}

export interface Alert extends Omit<NewAlert, 'at'> {
  id: number;
  status: AlertStatus;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Event that last matched (eventId is the first one). */
  lastEventId: number;
}

export interface AlertListQuery {
  limit?: number;
  offset?: number;
  status?: AlertStatus;
}

export interface AlertStore {
  insert(alert: NewAlert): Alert;
  /** The newest non-closed alert of this rule and host seen at or after `since` (epoch ms). */
  findGroupable(ruleId: string, hostName: string | null, since: number): Alert | undefined;
  /** Adds one occurrence to an alert. */
  increment(id: number, at: number, eventId: number): Alert | undefined;
  list(query?: AlertListQuery): { total: number; alerts: Alert[] };
  get(id: number): Alert | undefined;
  updateStatus(id: number, status: AlertStatus): Alert | undefined;
}

export interface NewToken {
  name: string;
  /** SHA-256 hex of the token; the token itself is never stored. */
  hash: string;
  role: string;
  /** 'token' (API user token) or 'ingest' (shipper token). */
  kind?: string;
  /** Source profile forced on events sent with this token. */
  profile?: string;
  /** Epoch ms after which the token no longer works. */
  expires?: number;
}

export interface StoredToken {
  name: string;
  role: string;
  kind: string;
  profile?: string;
  created: number;
  expires?: number;
}

export interface TokenStore {
  count(): number;
  add(token: NewToken, now?: number): void;
  /** The token when the hash is known and not expired. */
  lookup(hash: string, now?: number): StoredToken | undefined;
  /** Every token, identified by the first 12 hex digits of its hash. */
  list(): (StoredToken & { id: string })[];
  remove(id: string): boolean;
}

/** One data folder's stores; `transaction` runs `fn` atomically across them. */
export interface Stores {
  events: EventStore;
  alerts: AlertStore;
  tokens: TokenStore;
  deliveries: DeliveryStore;
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** Ticketing outbox: one row per (target, case change) still to deliver or already settled. */
export type DeliveryState = 'pending' | 'delivered' | 'failed';
export const DELIVERY_STATES: readonly DeliveryState[] = ['pending', 'delivered', 'failed'];

export interface NewDelivery {
  target: string;
  caseId: number;
  /** 'created' or 'updated'. */
  event: string;
  /** JSON text of what to deliver (a case change event); never holds secrets. */
  payload: string;
}

export interface Delivery extends NewDelivery {
  id: number;
  state: DeliveryState;
  attempts: number;
  /** Epoch ms when the next attempt is due (pending only). */
  nextAt: number;
  created: number;
  updated: number;
  lastError: string | null;
}

export interface DeliveryAttempt {
  id: number;
  deliveryId: number;
  target: string;
  caseId: number;
  /** Epoch ms the attempt started. */
  at: number;
  /** HTTP status of the last request of the attempt; null for a network error. */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** What the attempt did (e.g. "created SEC-12; transitioned to 'Done'"). */
  detail: string | null;
  outcome: 'delivered' | 'retry' | 'failed';
}

/** The external ticket a case maps to on one target (Jira key, ServiceNow sys_id, ...). */
export interface TicketRef {
  target: string;
  caseId: number;
  ticketKey: string;
  /** Another name the ticketing side may use (ServiceNow number). */
  alias: string | null;
  /** The case status last pushed to (or received from) the ticket. */
  syncedStatus: string | null;
  updated: number;
}

export interface DeliveryListQuery {
  state?: DeliveryState;
  target?: string;
  caseId?: number;
  limit?: number;
  offset?: number;
}

export interface DeliveryStore {
  /**
   * Queues a delivery. A change queued behind a pending one of the same target and case replaces the
   * waiting one's payload instead (each payload is the whole case, so the newest is enough).
   */
  enqueue(delivery: NewDelivery, now?: number): Delivery;
  /** Pending deliveries due at `now`: only the oldest of each (target, case), oldest first. */
  due(now: number, limit: number): Delivery[];
  /** Earliest `nextAt` among the deliveries `due` could return (heads of their queues). */
  nextDueAt(): number | undefined;
  /** Logs an attempt and moves the delivery on, in one transaction. */
  recordAttempt(attempt: Omit<DeliveryAttempt, 'id'>, next: { state: DeliveryState; nextAt?: number; error?: string | null }): void;
  get(id: number): Delivery | undefined;
  list(query?: DeliveryListQuery): { total: number; deliveries: Delivery[] };
  attempts(deliveryIds: readonly number[]): DeliveryAttempt[];
  /** Deletes settled deliveries (and their attempts) last updated before `before`; returns how many. */
  prune(before: number): number;
  getRef(target: string, caseId: number): TicketRef | undefined;
  /** The ref whose key or alias is `key`. */
  findRef(target: string, key: string): TicketRef | undefined;
  setRef(ref: Omit<TicketRef, 'updated'>, now?: number): void;
  setSyncedStatus(target: string, caseId: number, status: string, now?: number): void;
}
