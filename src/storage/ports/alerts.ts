/** Alerts: grouping writes, the triage queue's lists and groups. */
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
