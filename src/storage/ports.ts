/**
 * Storage ports: what the services need from a store. Adapters (sqlite/, later clickhouse/, postgres/)
 * implement these; only src/app/ picks and imports a concrete adapter.
 */
import type { LogSource } from '../core/event.js';
import type { EcsCore } from '../formats/profiles/types.js';
import type { CompiledQuery } from '../query/sql/compile.js';
import type { TimeRange } from '../query/time.js';
import type * as C from '../cases/types.js';
import type * as T from '../tuning/types.js';

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
  /** The event's JSON text when the caller made it already (ingest reuses it for detection); else the store makes it. */
  json?: EventJson;
}

/**
 * JSON texts of an event's `core`, `logsource` and `original`, made once, stored and handed on: JSON.parse
 * of each gives that object. `core` and `logsource` are JSON.stringify's; `original` may be the text the
 * event arrived as (an NDJSON line with its number spellings; never text that repeats a key).
 */
export interface EventJson {
  core: string;
  logsource: string;
  original: string;
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

export interface ScanOptions {
  /** Events per yielded batch (default 1000, at most 10000). */
  batchSize?: number;
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
   * Resolves once every event committed before the call is visible to `query`'s full-text terms (at
   * once when the store indexes full text in the append transaction or the query has none), or after
   * `timeoutMs`. search() is correct without it (it indexes what is missing itself, blocking the
   * caller); awaiting it first lets a server wait for a background indexer instead.
   */
  whenIndexed?(timeoutMs: number, query?: CompiledQuery): Promise<void>;
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

/** Triage workflow: new -> acknowledged -> in-progress -> closed (src/triage enforces the transitions). */
export type AlertStatus = 'new' | 'acknowledged' | 'in-progress' | 'closed';
export const ALERT_STATUSES: readonly AlertStatus[] = ['new', 'acknowledged', 'in-progress', 'closed'];

/** Why an alert was closed; true and benign-true positives count towards a rule's precision. */
export type AlertDisposition = 'true-positive' | 'benign-true-positive' | 'false-positive' | 'duplicate';
export const ALERT_DISPOSITIONS: readonly AlertDisposition[] = ['true-positive', 'benign-true-positive', 'false-positive', 'duplicate'];

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
  /** Time of the first event (epoch ms), from the event store at creation; null when unknown. */
  eventTime: number | null;
  /** User name of the analyst working it. */
  assignee: string | null;
  disposition: AlertDisposition | null;
  /** Why it was closed (with the disposition). */
  reason: string | null;
  /** Epoch ms of the first move out of 'new' (MTTA). */
  acknowledgedAt: number | null;
  /** Epoch ms it was closed (MTTR); cleared when reopened. */
  closedAt: number | null;
  assignedAt: number | null;
}

/** What a triage change writes; the triage service decides it, the store applies it as is. */
export type AlertPatch = Partial<Pick<Alert, 'status' | 'assignee' | 'disposition' | 'reason' | 'acknowledgedAt' | 'closedAt' | 'assignedAt'>>;

export interface AlertFilter {
  /** Any of these statuses. */
  status?: readonly AlertStatus[];
  level?: string;
  ruleId?: string;
  host?: string;
  user?: string;
  /** A user name, or null for unassigned alerts. */
  assignee?: string | null;
  /** Alerts seen in [from, to): last seen at or after `from`, first seen before `to` (epoch ms). */
  from?: number;
  to?: number;
  /** Case-insensitive substring of the title, rule id, host or user. */
  q?: string;
}

export interface AlertListQuery extends AlertFilter {
  limit?: number;
  offset?: number;
}

export type AlertGroupBy = 'rule' | 'host' | 'user';

export interface AlertGroupQuery extends AlertFilter {
  by: AlertGroupBy;
  /** Alerts group when their first-seen times fall in the same window of this many ms (UTC-aligned). */
  windowMs: number;
  limit?: number;
}

export interface AlertGroup {
  /** The rule id, host or user name (null for alerts without one). */
  key: string | null;
  /** Start of the window, epoch ms. */
  windowStart: number;
  /** Alerts in the group and their occurrences. */
  alerts: number;
  occurrences: number;
  firstSeen: number;
  lastSeen: number;
  /** Alerts per status. */
  statuses: Partial<Record<AlertStatus, number>>;
  /** A title of the group's alerts (for rule groups, the rule's). */
  title: string;
  /** The newest alert ids, at most MAX_GROUP_IDS. */
  alertIds: number[];
}

export const MAX_GROUP_IDS = 50;

export interface AlertStore {
  insert(alert: NewAlert): Alert;
  /** The newest non-closed alert of this rule and group key (host.name for matches) seen at or after `since` (epoch ms). */
  findGroupable(ruleId: string, groupKey: string | null, since: number): Alert | undefined;
  /** Adds occurrences (default 1) to an alert, with the event(s) behind them (the last one becomes lastEventId). */
  increment(id: number, at: number, eventIds: number | readonly number[], occurrences?: number): Alert | undefined;
  list(query?: AlertListQuery): { total: number; alerts: Alert[] };
  /** Newest groups first, at most `limit` (default 100, at most 1000); `total` counts every group. */
  groups(query: AlertGroupQuery): { total: number; groups: AlertGroup[] };
  get(id: number): Alert | undefined;
  update(id: number, patch: AlertPatch): Alert | undefined;
}

/** Durations in ms: how many, mean, median and 90th percentile (nearest rank); null when none. */
export interface DurationStats {
  count: number;
  mean: number | null;
  median: number | null;
  p90: number | null;
}

export type SocGroupBy = 'rule' | 'severity' | 'analyst';
export type SocDuration = 'detect' | 'acknowledge' | 'resolve';

export interface SocRange {
  /** Alerts (and cases) created in [from, to), epoch ms. */
  from: number;
  to: number;
}

/** Read-only SOC metric queries over alerts (created in the range) and cases. */
export interface SocMetricsStore {
  /**
   * Per group (or '*' when `by` is absent): detect = event time -> alert created, acknowledge = created ->
   * acknowledged, resolve = created -> closed.
   */
  alertDurations(kind: SocDuration, range: SocRange, by?: SocGroupBy): Map<string, DurationStats>;
  /** Case created -> closed for cases created in the range. */
  caseDurations(range: SocRange): DurationStats & { created: number };
  /** Alerts and closed alerts per group. */
  alertCounts(range: SocRange, by?: SocGroupBy): Map<string, { alerts: number; closed: number; title?: string }>;
  /**
   * Per severity (critical, high, medium, low: the alert's level, anything else counting as low): alerts,
   * and those not acknowledged (kind 'acknowledge') or closed ('resolve') within the severity's target of
   * creation, as of `now` for ones still waiting, with the first `maxIds` of their ids.
   */
  slaBreaches(kind: 'acknowledge' | 'resolve', targetMs: Readonly<Record<string, number>>, range: SocRange, now: number, maxIds: number): Map<string, { alerts: number; breaches: number; ids: number[] }>;
  /** Closed alerts with a disposition per rule, most closed first, at most `limit` rules. */
  dispositions(range: SocRange, limit: number): { ruleId: string; title: string; counts: Record<AlertDisposition, number> }[];
  /** Alerts created per UTC day (YYYY-MM-DD) and their occurrences. */
  volume(range: SocRange): { day: string; alerts: number; occurrences: number }[];
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
  cases: CaseStore;
  users: UserStore;
  sessions: SessionStore;
  audit: AuditStore;
  deliveries: DeliveryStore;
  tuning: TuningStore;
  soc: SocMetricsStore;
  transaction<T>(fn: () => T): T;
  close(): void;
}

export interface NewCase {
  title: string;
  description: string;
  severity: C.Severity;
  tlp: C.Tlp;
  pap: C.Pap;
  status: C.CaseStatus;
  owner: string | null;
  tags: string[];
  template: string | null;
  createdBy: string;
}

/** Fields a case update may set (rca/pir replace the whole section). */
export type CasePatch = Partial<Pick<C.Case, 'title' | 'description' | 'severity' | 'tlp' | 'pap' | 'status' | 'owner' | 'tags' | 'closed' | 'rca' | 'pir'>>;

export interface CaseListQuery {
  status?: C.CaseStatus[];
  severity?: C.Severity;
  owner?: string;
  tag?: string;
  /** Substring of the title, case-insensitive. */
  text?: string;
  limit?: number;
  offset?: number;
}

export interface NewTask {
  title: string;
  phase: C.Phase | null;
  assignee: string | null;
  due: number | null;
  status: C.TaskStatus;
}

export type TaskPatch = Partial<Pick<C.Task, 'title' | 'assignee' | 'due' | 'status'>>;

export interface NewObservable {
  type: C.ObservableType;
  value: string;
  /** Dedup and sightings key (lower-cased where the type is case-insensitive). */
  key: string;
  subtype: string | null;
  source: string;
  description: string | null;
  addedBy: string;
}

export interface Sighting {
  caseId: number;
  title: string;
  status: C.CaseStatus;
  severity: C.Severity;
  observableId: number;
  added: number;
}

export interface SimilarCase {
  caseId: number;
  title: string;
  status: C.CaseStatus;
  severity: C.Severity;
  /** Observables both cases hold, as `type:value`. */
  shared: { type: C.ObservableType; value: string }[];
}

/** Case management state; writes are plain, the service wraps several in Stores.transaction. */
export interface CaseStore {
  create(c: NewCase, now: number): C.Case;
  get(id: number): C.Case | undefined;
  update(id: number, patch: CasePatch, now: number): C.Case | undefined;
  remove(id: number): boolean;
  list(query?: CaseListQuery): { total: number; cases: C.Case[] };

  addTask(caseId: number, task: NewTask, now: number): C.Task;
  getTask(caseId: number, taskId: number): C.Task | undefined;
  updateTask(caseId: number, taskId: number, patch: TaskPatch, now: number): C.Task | undefined;
  tasks(caseId: number): C.Task[];

  /** Adds unless the case already holds the same type and key; `created` tells which. */
  addObservable(caseId: number, o: NewObservable, now: number): { observable: C.Observable; created: boolean };
  observables(caseId: number): C.Observable[];
  /** Every case holding this observable, newest first, at most `limit`. */
  sightings(type: C.ObservableType, key: string, limit: number): Sighting[];
  /** Cases in `statuses` (other than caseId) sharing observables with it, most shared first. */
  similar(caseId: number, statuses: readonly C.CaseStatus[], limit: number): SimilarCase[];

  /** Links alerts; returns the ids that were not linked to this case before. */
  linkAlerts(caseId: number, alertIds: readonly number[], by: string, now: number): number[];
  alertLinks(caseId: number): C.CaseAlertLink[];
  /** Cases an alert is linked to. */
  casesOfAlert(alertId: number): number[];

  addComment(caseId: number, author: string, body: string, now: number): C.Comment;
  comments(caseId: number): C.Comment[];

  addActivity(caseId: number, actor: string, kind: string, summary: string, now: number): void;
  activity(caseId: number): C.Activity[];
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

export type NewSuppression = Omit<T.Suppression, 'id' | 'created' | 'updated' | 'deleted' | 'hits'>;
export type SuppressionPatch = Partial<Pick<T.Suppression, 'ruleId' | 'host' | 'user' | 'query' | 'start' | 'expires' | 'owner' | 'reason'>>;
export type NewRuleException = Omit<T.RuleException, 'id' | 'created' | 'updated' | 'deleted' | 'hits'>;
export type RuleExceptionPatch = Partial<Pick<T.RuleException, 'conditions' | 'owner' | 'reason' | 'expires'>>;

/** An occurrence held back: written as a new held alert or counted on an open one of the same holder, rule and group key. */
export interface NewHeldAlert extends Omit<T.HeldAlert, 'id' | 'firstSeen' | 'lastSeen'> {
  at: number;
}

export interface HeldAlertQuery {
  by?: T.HeldBy;
  refId?: number;
  ruleId?: string;
  limit?: number;
  offset?: number;
}

/** A stored alert as the exception backtest reads it. */
export interface RuleAlertRef {
  id: number;
  count: number;
  lastSeen: number;
  eventIds: number[];
}

/** Suppressions, rule exceptions (kept apart from rule files) and the matches they held back. */
export interface TuningStore {
  addSuppression(s: NewSuppression, now?: number): T.Suppression;
  getSuppression(id: number): T.Suppression | undefined;
  /** Not deleted ones, newest first; `includeDeleted` lists every one. */
  listSuppressions(options?: { includeDeleted?: boolean }): T.Suppression[];
  updateSuppression(id: number, patch: SuppressionPatch, now?: number): T.Suppression | undefined;
  deleteSuppression(id: number, now?: number): T.Suppression | undefined;
  addException(e: NewRuleException, now?: number): T.RuleException;
  getException(id: number): T.RuleException | undefined;
  listExceptions(options?: { ruleId?: string; includeDeleted?: boolean }): T.RuleException[];
  updateException(id: number, patch: RuleExceptionPatch, now?: number): T.RuleException | undefined;
  deleteException(id: number, now?: number): T.RuleException | undefined;
  /** Records held occurrences, grouping on holder + rule + group key within `windowMs`. */
  hold(alert: NewHeldAlert, windowMs: number): T.HeldAlert;
  listHeld(query?: HeldAlertQuery): { total: number; alerts: T.HeldAlert[] };
  /** Alerts of a rule last seen at or after `since`, newest first, at most `limit`. */
  alertsOfRule(ruleId: string, since: number, limit: number): RuleAlertRef[];
}
