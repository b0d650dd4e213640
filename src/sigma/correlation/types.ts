import type { EventObject } from '../../core/event.js';
import type { CorrelationRule, CorrelationType, Level } from '../model/types.js';

/** One base match that contributed to a correlation alert. */
export interface MatchRef {
  /** Id of the detection rule (its title when it has no id), as in `RuleMatch.ruleId`. */
  ruleId: string;
  title: string;
  /** Event time in ms, as given to `process`. */
  time: number;
  event: EventObject;
}

/** A correlation rule that fired for one group. */
export interface CorrelationAlert {
  /** The correlation's id, else its title (as `RuleMatch.ruleId`). */
  ruleId: string;
  title: string;
  level?: Level;
  status?: string;
  tags: string[];
  /** Carried on every alert: the Detection Rule License requires attribution. */
  author?: string;
  rule: CorrelationRule;
  correlationType: CorrelationType;
  /**
   * True when this correlation is itself referenced by another correlation that does not ask for
   * standalone alerts (`generate`), like `RuleMatch.correlationOnly` for detection rules.
   */
  correlationOnly: boolean;
  /** group-by name (alias names stay as written) -> the group's value. */
  group: Record<string, string>;
  /** Contributions (base matches or inner correlation alerts) in the window. */
  count: number;
  /** value_count: distinct values; temporal: distinct rules; temporal_ordered: length of the completed sequence prefix. */
  distinct?: number;
  /** value_sum / value_avg: sum and average of the numeric field over the window. */
  sum?: number;
  avg?: number;
  /** value_percentile: share in percent of the window's events that carry `value`. */
  percentile?: number;
  /** value_percentile: the field value whose share was tested. */
  value?: string;
  firstTime: number;
  lastTime: number;
  /** Contributing base matches, oldest first, at most `maxMatchesPerAlert` (the newest kept). */
  matches: MatchRef[];
}

export interface CorrelationOptions {
  /** Live groups per correlation rule; the least recently updated group is evicted beyond it. Default 10,000. */
  maxGroups?: number;
  /**
   * Entries kept per group: events for count/sum/avg (beyond it neighbours are merged, so counts stay
   * exact and only expiry gets coarse), distinct values for value_count and value_percentile, and the
   * history temporal_ordered replays for late events. Default 1,000.
   */
  maxEventsPerGroup?: number;
  /** Base matches kept as references per group and alert. Default 100. */
  maxMatchesPerAlert?: number;
}

/** Counters for what the engine had to drop or approximate; all cumulative except `groups`. */
export interface CorrelationStats {
  /** Live groups over all correlation rules. */
  groups: number;
  evictedGroups: number;
  /** Contributions older than their group's window (or a closed window) when they arrived. */
  lateEvents: number;
  /** Matches skipped because a group-by field had no value. */
  missingGroupValue: number;
  /** value_* matches skipped because the condition field was missing (or not numeric for sum/avg). */
  missingValue: number;
  /** Calls with a non-finite event time. */
  invalidTime: number;
  /** Count/sum entries merged into buckets at `maxEventsPerGroup` (expiry of those gets coarse). */
  mergedEntries: number;
  /** Distinct values or history entries dropped at `maxEventsPerGroup`. */
  droppedEntries: number;
  alerts: number;
}
