/** Suppressions (maintenance windows) and rule exceptions: the shapes stored and served. */

/** A time-bounded window that holds back alerts matching every criterion it names. */
export interface Suppression {
  id: number;
  /** Criteria: at least one is set; all that are set must match. */
  ruleId: string | null;
  /** Case-insensitive exact host.name. */
  host: string | null;
  /** Case-insensitive exact user.name. */
  user: string | null;
  /** Hunt query filter (no pipes) evaluated against the event's core and original fields. */
  query: string | null;
  /** Epoch ms; active while start <= t < expires. */
  start: number;
  expires: number;
  owner: string;
  reason: string;
  createdBy: string;
  created: number;
  updated: number;
  /** Epoch ms it was deleted (kept so its held alerts still name it), else null. */
  deleted: number | null;
  /** Occurrences held back by it. */
  hits: number;
}

export const CONDITION_OPS = ['equals', 'contains', 'startswith', 'endswith', 'regex', 'cidr'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** One field test; an exception matches when all its conditions do. */
export interface ExceptionCondition {
  /** Core ECS field or original field, dotted path. */
  field: string;
  op: ConditionOp;
  value: string;
}

export interface RuleException {
  id: number;
  ruleId: string;
  conditions: ExceptionCondition[];
  owner: string;
  reason: string;
  /** Epoch ms after which it no longer applies. */
  expires: number;
  createdBy: string;
  created: number;
  updated: number;
  deleted: number | null;
  hits: number;
}

export type HeldBy = 'suppression' | 'exception';

/** Matches held back by a suppression or an exception: kept with their events and counted, not alerted. */
export interface HeldAlert {
  id: number;
  by: HeldBy;
  /** The suppression or exception id. */
  refId: number;
  ruleId: string;
  title: string;
  level: string | null;
  kind: 'match' | 'correlation';
  hostName: string | null;
  userName: string | null;
  groupKey: string | null;
  fields: { field: string; value: string }[];
  /** The first events (bounded like an alert's). */
  eventIds: number[];
  count: number;
  firstSeen: number;
  lastSeen: number;
}
