/** SOC metrics: read-only queries over alerts and cases. */
import type { AlertDisposition } from './alerts.js';

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
