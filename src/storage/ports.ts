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

/** A detection rule's match, or a correlation rule that fired over several events. */
export type AlertKind = 'match' | 'correlation';

/** Event ids kept per alert (the count keeps growing beyond it). */
export const MAX_ALERT_EVENTS = 100;

export interface NewAlert {
  ruleId: string;
  title: string;
  level: string | null;
  tags: string[];
  author: string | null;
  /** The first matching event. */
  eventId: number;
  /** Every matching event (a correlation's contributions), `eventId` first when omitted; at most MAX_ALERT_EVENTS kept. */
  eventIds?: readonly number[];
  hostName: string | null;
  userName: string | null;
  fields: { field: string; value: string }[];
  /** Default 'match'. */
  kind?: AlertKind;
  /** What alerts of one rule group on: host.name for matches (the default), the group-by values for correlations. */
  groupKey?: string | null;
  /** Correlation group-by field -> value. */
  group?: Record<string, string>;
  /** Occurrences this alert starts with (several matches of one batch written at once). Default 1. */
  count?: number;
  /** Epoch ms. */
  at: number;
}

export interface Alert extends Omit<NewAlert, 'at' | 'eventIds' | 'kind' | 'groupKey' | 'group' | 'count'> {
  id: number;
  status: AlertStatus;
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Event that last matched (eventId is the first one). */
  lastEventId: number;
  kind: AlertKind;
  groupKey: string | null;
  group: Record<string, string> | null;
  /** Matching events in the order seen, at most MAX_ALERT_EVENTS (the first ones). */
  eventIds: number[];
}

export interface AlertListQuery {
  limit?: number;
  offset?: number;
  status?: AlertStatus;
}

export interface AlertStore {
  insert(alert: NewAlert): Alert;
  /** The newest non-closed alert of this rule and group key (host.name for matches) seen at or after `since` (epoch ms). */
  findGroupable(ruleId: string, groupKey: string | null, since: number): Alert | undefined;
  /** Adds occurrences (default 1) to an alert, with the event(s) behind them (the last one becomes lastEventId). */
  increment(id: number, at: number, eventIds: number | readonly number[], occurrences?: number): Alert | undefined;
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
