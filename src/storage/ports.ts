/**
 * Storage ports: what the services need from a store. Adapters (sqlite/, later clickhouse/, postgres/)
 * implement these; only src/app/ picks and imports a concrete adapter.
 */
import type { LogSource } from '../core/event.js';
import type { EcsCore } from '../formats/profiles/types.js';
import type { CompiledQuery } from '../query/sql/compile.js';
import type { TimeRange } from '../query/time.js';

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

export interface ScanOptions {
  /** Events per yielded batch (default 1000, at most 10000). */
  batchSize?: number;
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
  /**
   * Stored events with `range.from <= ts < range.to`, in id order, a batch at a time (bounded memory).
   * Each batch is read when the iterator advances, so a caller may await between batches.
   */
  scan(range: TimeRange, options?: ScanOptions): Iterable<StoredEvent[]>;
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
  transaction<T>(fn: () => T): T;
  close(): void;
}
