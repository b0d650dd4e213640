/** Suppressions, rule exceptions and held matches. */
import type * as T from '../../tuning/types.js';

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
