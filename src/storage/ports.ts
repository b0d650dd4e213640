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
  /**
   * Client id of the item this event came from (an Elasticsearch `_bulk` `_id`, a batch id), scoped by
   * `source` (e.g. the token or listener). An event whose key was stored before is not stored again:
   * a batch retried after a crash lands once. One item may yield several events; they are told apart
   * by their order within the batch.
   */
  dedup?: { source: string; id: string };
}

export interface AppendResult {
  /** Event ids in input order; for duplicates, the id stored the first time. */
  ids: number[];
  /** Input positions that were already stored (same dedup key), not stored again. */
  duplicates: number[];
}

export interface ScanOptions {
  /** Events per yielded batch (default 1000, at most 10000). */
  batchSize?: number;
}

export interface RetentionPolicy {
  /** Drop partitions whose every event was received at least this many days ago (>= 1). */
  maxAgeDays?: number;
  /** Drop the oldest partitions while the store uses more than this many MB. */
  maxSizeMB?: number;
  /**
   * Give freed space back to the file system (default true). It moves newer pages into the holes, so
   * it costs about as much I/O as the space freed; with false, freed pages are reused by new events.
   */
  returnSpace?: boolean;
}

export interface RetentionReport {
  dropped: { day: string; rows: number; reason: 'age' | 'size' }[];
  /** Bytes in use by the store before and after (pages in use, not the file size). */
  usedBytesBefore: number;
  usedBytesAfter: number;
  /** The size limit is still exceeded: only the partition being written is left and it is never dropped for size. */
  overSizeLimit: boolean;
  /** Sentences for the log, e.g. why the size limit could not be met. */
  warnings: string[];
}

export interface PartitionInfo {
  /** UTC day of receipt, YYYY-MM-DD. */
  day: string;
  rows: number;
  minId: number;
  maxId: number;
  /** Event-time bounds (epoch ms) of the rows. */
  minTs: number;
  maxTs: number;
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
  /** Appends the batch atomically (one transaction); returns the ids in input order (see appendBatch). */
  append(events: readonly NewEvent[], now?: number): number[];
  /** Appends the batch atomically, skipping events whose dedup key is already stored. */
  appendBatch(events: readonly NewEvent[], now?: number): AppendResult;
  getEvent(id: number): StoredEvent | undefined;
  /** Runs a hunt query compiled against DEFAULT_SCHEMA over the stored events of its range. */
  search(query: CompiledQuery): SearchResult;
  /**
   * Stored events with `range.from <= ts < range.to`, in id order, a batch at a time (bounded memory).
   * Each batch is read when the iterator advances, so a caller may await between batches. Events
   * appended after the scan started are not part of it.
   */
  scan(range: TimeRange, options?: ScanOptions): Iterable<StoredEvent[]>;
  /** Drops whole partitions that the policy no longer keeps and returns their space. */
  applyRetention(policy: RetentionPolicy, now?: number): RetentionReport;
  partitions(): PartitionInfo[];
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
  /** The user who created it (absent for bootstrap and CLI tokens). */
  owner?: number;
}

export interface StoredToken {
  name: string;
  role: string;
  kind: string;
  profile?: string;
  created: number;
  expires?: number;
  owner?: number;
}

export interface TokenStore {
  count(): number;
  add(token: NewToken, now?: number): void;
  /** The token when the hash is known and not expired. */
  lookup(hash: string, now?: number): StoredToken | undefined;
  /** Every token, identified by the first 12 hex digits of its hash. */
  list(): (StoredToken & { id: string })[];
  /** One token by its 12-hex-digit id, expired or not. */
  get(id: string): (StoredToken & { id: string }) | undefined;
  remove(id: string): boolean;
}

export interface StoredUser {
  id: number;
  username: string;
  role: string;
  disabled: boolean;
  created: number;
  updated: number;
}

export interface UserCredentials extends StoredUser {
  /** Self-describing password hash (algorithm, parameters, salt, digest); never leaves the identity service. */
  passwordHash: string;
}

export interface UserPatch {
  role?: string;
  disabled?: boolean;
  passwordHash?: string;
}

export interface UserStore {
  count(): number;
  /** Throws VigilError 'storage.user.exists' when the username is taken (case-insensitive). */
  create(user: { username: string; role: string; passwordHash: string }, now?: number): StoredUser;
  get(id: number): UserCredentials | undefined;
  byUsername(username: string): UserCredentials | undefined;
  list(): StoredUser[];
  update(id: number, patch: UserPatch, now?: number): StoredUser | undefined;
}

export interface StoredSession {
  /** SHA-256 hex of the session id; the id itself is only in the client's cookie. */
  hash: string;
  userId: number;
  created: number;
  lastSeen: number;
  /** Absolute expiry, epoch ms. */
  expires: number;
}

export interface SessionStore {
  create(session: StoredSession): void;
  get(hash: string): StoredSession | undefined;
  touch(hash: string, now: number): void;
  remove(hash: string): boolean;
  /** Ends every session of a user except `keep` (a session hash); returns how many ended. */
  removeForUser(userId: number, keep?: string): number;
  /** Deletes sessions past their absolute expiry or idle since before `idleBefore`. */
  purge(now: number, idleBefore: number): number;
}

export interface AuditActor {
  /** 'user' (session), 'token', 'ingest', 'system' (CLI, bootstrap), 'anonymous' (failed login). */
  kind: string;
  name: string;
  userId?: number;
}

export interface AuditTarget {
  type: string;
  id: string;
}

/** What a caller records; the store adds seq, ts, prev and hash. */
export interface AuditEntry {
  ts: number;
  actor: AuditActor;
  action: string;
  target: AuditTarget;
  before: unknown;
  after: unknown;
  /** Client address, when over HTTP. */
  ip?: string;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  /** Hash of the previous record ('' for the first). */
  prev: string;
  hash: string;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
}

export interface AuditStore {
  /**
   * Appends atomically: `link(prev, seq)` gets the last record's hash and the new sequence number
   * inside the write transaction and returns the new record's hash, so concurrent writers cannot fork
   * the chain.
   */
  append(entry: AuditEntry, link: (prev: string, record: Omit<AuditRecord, 'hash'>) => string): AuditRecord;
  /** Newest first. */
  list(query?: AuditQuery): { total: number; records: AuditRecord[] };
  /** Every record in storage order (rowid), as stored, for verification. */
  scan(): Iterable<AuditRecord>;
}

/** One data folder's stores; `transaction` runs `fn` atomically across them. */
export interface Stores {
  events: EventStore;
  alerts: AlertStore;
  tokens: TokenStore;
  users: UserStore;
  sessions: SessionStore;
  audit: AuditStore;
  transaction<T>(fn: () => T): T;
  close(): void;
}
