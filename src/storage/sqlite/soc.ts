/**
 * SOC metric queries in SQL: counts, means and nearest-rank percentiles via window functions, so memory
 * stays bounded however many alerts the range holds.
 */
import type Database from 'better-sqlite3';
import {
  ALERT_DISPOSITIONS, type AlertDisposition, type DurationStats, type SocDuration, type SocGroupBy, type SocMetricsStore, type SocRange,
} from '../ports.js';

/** Sigma level -> severity, as cases map it (informational and unknown levels count as low). */
export const SEVERITY_SQL = "CASE lower(coalesce(a.level, '')) WHEN 'critical' THEN 'critical' WHEN 'high' THEN 'high' WHEN 'medium' THEN 'medium' ELSE 'low' END";

const GROUP_SQL: Record<SocGroupBy, string> = {
  rule: 'a.rule_id',
  severity: SEVERITY_SQL,
  analyst: "coalesce(a.assignee, '(unassigned)')",
};

const DURATION_SQL: Record<SocDuration, { value: string; present: string }> = {
  // Clock skew can put an event's time after its alert's creation; that counts as zero.
  detect: { value: 'max(0, a.first_seen - a.event_ts)', present: 'a.event_ts IS NOT NULL' },
  acknowledge: { value: 'a.acknowledged_at - a.first_seen', present: 'a.acknowledged_at IS NOT NULL' },
  resolve: { value: 'a.closed_at - a.first_seen', present: "a.closed_at IS NOT NULL AND a.status = 'closed'" },
};

const DAY_MS = 86_400_000;

/**
 * Per group g of (g, d) rows: count, mean, median (mean of the middle one or two) and p90 (nearest rank:
 * the ceil(0.9 n)-th smallest).
 */
function statsSql(source: string): string {
  return `WITH d AS (${source}),
    r AS (SELECT g, d, row_number() OVER (PARTITION BY g ORDER BY d) AS rn, count(*) OVER (PARTITION BY g) AS n FROM d)
    SELECT g, max(n) AS count, avg(d) AS mean,
      avg(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN d END) AS median,
      max(CASE WHEN rn = (9 * n + 9) / 10 THEN d END) AS p90
    FROM r GROUP BY g`;
}

interface StatsRow { g: string; count: number; mean: number; median: number; p90: number }

function toStats(r: StatsRow | undefined): DurationStats {
  if (!r) return { count: 0, mean: null, median: null, p90: null };
  return { count: r.count, mean: r.mean, median: r.median, p90: r.p90 };
}

export class SqliteSocMetricsStore implements SocMetricsStore {
  constructor(private readonly db: Database.Database) {}

  alertDurations(kind: SocDuration, range: SocRange, by?: SocGroupBy): Map<string, DurationStats> {
    const { value, present } = DURATION_SQL[kind];
    const g = by ? GROUP_SQL[by] : "'*'";
    const rows = this.db.prepare(statsSql(`SELECT ${g} AS g, ${value} AS d FROM alerts a WHERE a.first_seen >= ? AND a.first_seen < ? AND ${present}`))
      .all(range.from, range.to) as StatsRow[];
    return new Map(rows.map((r) => [r.g, toStats(r)]));
  }

  caseDurations(range: SocRange): DurationStats & { created: number } {
    const created = (this.db.prepare('SELECT count(*) AS n FROM cases WHERE created >= ? AND created < ?').get(range.from, range.to) as { n: number }).n;
    const row = this.db.prepare(statsSql("SELECT '*' AS g, closed - created AS d FROM cases WHERE created >= ? AND created < ? AND closed IS NOT NULL AND status = 'closed'"))
      .get(range.from, range.to) as StatsRow | undefined;
    return { created, ...toStats(row) };
  }

  alertCounts(range: SocRange, by?: SocGroupBy): Map<string, { alerts: number; closed: number; title?: string }> {
    const g = by ? GROUP_SQL[by] : "'*'";
    const rows = this.db.prepare(`SELECT ${g} AS g, count(*) AS alerts, sum(a.status = 'closed') AS closed, max(a.title) AS title
      FROM alerts a WHERE a.first_seen >= ? AND a.first_seen < ? GROUP BY g`).all(range.from, range.to) as { g: string; alerts: number; closed: number; title: string }[];
    return new Map(rows.map((r) => [r.g, by === 'rule' ? { alerts: r.alerts, closed: r.closed, title: r.title } : { alerts: r.alerts, closed: r.closed }]));
  }

  slaBreaches(kind: 'acknowledge' | 'resolve', targetMs: Readonly<Record<string, number>>, range: SocRange, now: number, maxIds: number): Map<string, { alerts: number; breaches: number; ids: number[] }> {
    // An alert still waiting counts against the target as of now; a reopened one has no closed_at.
    const reached = kind === 'acknowledge' ? 'coalesce(a.acknowledged_at, ?)' : "coalesce(CASE WHEN a.status = 'closed' THEN a.closed_at END, ?)";
    const severities = Object.keys(targetMs);
    const target = `CASE ${SEVERITY_SQL} ${severities.map(() => 'WHEN ? THEN ?').join(' ')} END`;
    const targetArgs = severities.flatMap((sev) => [sev, targetMs[sev]]);
    const rows = `SELECT a.id, ${SEVERITY_SQL} AS sev, (${reached} - a.first_seen > ${target}) AS breach FROM alerts a WHERE a.first_seen >= ? AND a.first_seen < ?`;
    const args = [now, ...targetArgs, range.from, range.to];
    const counts = this.db.prepare(`SELECT sev, count(*) AS alerts, coalesce(sum(breach), 0) AS breaches FROM (${rows}) GROUP BY sev`).all(...args) as { sev: string; alerts: number; breaches: number }[];
    const ids = this.db.prepare(`SELECT sev, id FROM (SELECT sev, id, row_number() OVER (PARTITION BY sev ORDER BY id) AS rn FROM (${rows}) WHERE breach)
      WHERE rn <= ? ORDER BY sev, id`).all(...args, maxIds) as { sev: string; id: number }[];
    const out = new Map<string, { alerts: number; breaches: number; ids: number[] }>();
    for (const c of counts) out.set(c.sev, { alerts: c.alerts, breaches: c.breaches, ids: [] });
    for (const r of ids) out.get(r.sev)?.ids.push(r.id);
    return out;
  }

  dispositions(range: SocRange, limit: number): { ruleId: string; title: string; counts: Record<AlertDisposition, number> }[] {
    const sums = ALERT_DISPOSITIONS.map((d, i) => `sum(a.disposition = ?) AS d${i}`).join(', ');
    const rows = this.db.prepare(`SELECT a.rule_id AS ruleId, max(a.title) AS title, ${sums} FROM alerts a
      WHERE a.first_seen >= ? AND a.first_seen < ? AND a.status = 'closed' AND a.disposition IS NOT NULL
      GROUP BY a.rule_id ORDER BY count(*) DESC, a.rule_id LIMIT ?`).all(...ALERT_DISPOSITIONS, range.from, range.to, limit) as Record<string, string | number>[];
    return rows.map((r) => ({
      ruleId: r['ruleId'] as string,
      title: r['title'] as string,
      counts: Object.fromEntries(ALERT_DISPOSITIONS.map((d, i) => [d, r[`d${i}`] as number])) as Record<AlertDisposition, number>,
    }));
  }

  volume(range: SocRange): { day: string; alerts: number; occurrences: number }[] {
    const rows = this.db.prepare(`SELECT a.first_seen / ${DAY_MS} AS day, count(*) AS alerts, sum(a.count) AS occurrences FROM alerts a
      WHERE a.first_seen >= ? AND a.first_seen < ? GROUP BY day ORDER BY day`).all(range.from, range.to) as { day: number; alerts: number; occurrences: number }[];
    return rows.map((r) => ({ day: new Date(r.day * DAY_MS).toISOString().slice(0, 10), alerts: r.alerts, occurrences: r.occurrences }));
  }
}
