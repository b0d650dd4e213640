/**
 * SOC metrics: MTTD, MTTA, MTTR (alerts and cases), SLA breaches per severity, per-rule precision from
 * dispositions and alert volume, over alerts created in [from, to). The store computes in SQL; this
 * assembles, applies the SLA targets and bounds the lists.
 */
import { ALERT_DISPOSITIONS, type DurationStats, type SocGroupBy, type SocMetricsStore, type SocRange } from '../storage/ports.js';
import { TriageError } from './errors.js';
import { SLA_SEVERITIES, type SlaSeverity, type SlaTargets } from './sla.js';

export const SOC_GROUP_BY: readonly SocGroupBy[] = ['rule', 'severity', 'analyst'];
/** Breaching alert ids listed per severity and target. */
export const MAX_BREACH_IDS = 100;
/** Rules listed in the precision table. */
export const MAX_PRECISION_RULES = 500;
/** Longest range one report covers. */
export const MAX_RANGE_MS = 400 * 86_400_000;
export const DEFAULT_RANGE_MS = 30 * 86_400_000;

export interface SocQuery {
  from?: number;
  to?: number;
  by?: SocGroupBy;
}

export interface SocGroup {
  key: string;
  title?: string;
  alerts: number;
  closed: number;
  mttd: DurationStats;
  mtta: DurationStats;
  mttr: DurationStats;
}

export interface SlaReport {
  acknowledgeTargetMs: number;
  resolveTargetMs: number;
  alerts: number;
  acknowledge: { breaches: number; alertIds: number[] };
  resolve: { breaches: number; alertIds: number[] };
}

export interface SocReport {
  from: number;
  to: number;
  /** The clock the SLA of still-open alerts was judged at. */
  asOf: number;
  by: SocGroupBy | null;
  alerts: { total: number; closed: number; mttd: DurationStats; mtta: DurationStats; mttr: DurationStats };
  cases: { created: number; mttr: DurationStats };
  groups?: SocGroup[];
  sla: Record<SlaSeverity, SlaReport>;
  precision: { ruleId: string; title: string; closed: number; counts: Record<string, number>; precision: number | null }[];
  volume: { day: string; alerts: number; occurrences: number }[];
}

const NONE: DurationStats = { count: 0, mean: null, median: null, p90: null };

export class SocMetrics {
  constructor(private readonly store: SocMetricsStore, private readonly sla: SlaTargets, private readonly now: () => number = Date.now) {}

  report(q: SocQuery): SocReport {
    const asOf = this.now();
    const to = q.to ?? asOf;
    const from = q.from ?? to - DEFAULT_RANGE_MS;
    if (from >= to) throw new TriageError('invalid', 'soc.range', "'from' must be before 'to'", 'from');
    if (to - from > MAX_RANGE_MS) throw new TriageError('invalid', 'soc.range', `the range may cover at most ${MAX_RANGE_MS / 86_400_000} days`, 'from');
    const range: SocRange = { from, to };
    const total = this.store.alertCounts(range).get('*') ?? { alerts: 0, closed: 0 };
    const one = (m: Map<string, DurationStats>): DurationStats => m.get('*') ?? NONE;
    const { created, ...caseMttr } = this.store.caseDurations(range);
    const report: SocReport = {
      from, to, asOf, by: q.by ?? null,
      alerts: {
        total: total.alerts, closed: total.closed,
        mttd: one(this.store.alertDurations('detect', range)),
        mtta: one(this.store.alertDurations('acknowledge', range)),
        mttr: one(this.store.alertDurations('resolve', range)),
      },
      cases: { created, mttr: caseMttr },
      sla: this.slaReport(range, asOf),
      precision: this.store.dispositions(range, MAX_PRECISION_RULES).map((r) => {
        const closed = ALERT_DISPOSITIONS.reduce((n, d) => n + r.counts[d], 0);
        const positive = r.counts['true-positive'] + r.counts['benign-true-positive'];
        return { ruleId: r.ruleId, title: r.title, closed, counts: r.counts, precision: closed ? positive / closed : null };
      }),
      volume: this.store.volume(range),
    };
    if (q.by) report.groups = this.groups(range, q.by);
    return report;
  }

  private groups(range: SocRange, by: SocGroupBy): SocGroup[] {
    const counts = this.store.alertCounts(range, by);
    const mttd = this.store.alertDurations('detect', range, by);
    const mtta = this.store.alertDurations('acknowledge', range, by);
    const mttr = this.store.alertDurations('resolve', range, by);
    return [...counts].map(([key, c]) => ({
      key, ...(c.title === undefined ? {} : { title: c.title }), alerts: c.alerts, closed: c.closed,
      mttd: mttd.get(key) ?? NONE, mtta: mtta.get(key) ?? NONE, mttr: mttr.get(key) ?? NONE,
    })).sort((a, b) => b.alerts - a.alerts || a.key.localeCompare(b.key));
  }

  private slaReport(range: SocRange, asOf: number): Record<SlaSeverity, SlaReport> {
    const out = {} as Record<SlaSeverity, SlaReport>;
    const targets = (k: 'acknowledgeMs' | 'resolveMs'): Record<string, number> => Object.fromEntries(SLA_SEVERITIES.map((s) => [s, this.sla[s][k]]));
    const ack = this.store.slaBreaches('acknowledge', targets('acknowledgeMs'), range, asOf, MAX_BREACH_IDS);
    const res = this.store.slaBreaches('resolve', targets('resolveMs'), range, asOf, MAX_BREACH_IDS);
    const none = { alerts: 0, breaches: 0, ids: [] };
    for (const s of SLA_SEVERITIES) {
      const a = ack.get(s) ?? none;
      const r = res.get(s) ?? none;
      out[s] = {
        acknowledgeTargetMs: this.sla[s].acknowledgeMs, resolveTargetMs: this.sla[s].resolveMs, alerts: a.alerts,
        acknowledge: { breaches: a.breaches, alertIds: a.ids },
        resolve: { breaches: r.breaches, alertIds: r.ids },
      };
    }
    return out;
  }
}
