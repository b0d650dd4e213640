import type Database from 'better-sqlite3';
import {
  MAX_ALERT_EVENTS, MAX_GROUP_IDS, type Alert, type AlertDisposition, type AlertFilter, type AlertGroup, type AlertGroupQuery, type AlertKind,
  type AlertListQuery, type AlertPatch, type AlertStatus, type AlertStore, type NewAlert,
} from '../ports.js';

interface AlertRow {
  id: number;
  rule_id: string;
  title: string;
  level: string | null;
  tags: string;
  author: string | null;
  event_id: number;
  last_event_id: number;
  host_name: string | null;
  user_name: string | null;
  fields: string;
  status: AlertStatus;
  count: number;
  first_seen: number;
  last_seen: number;
  kind: AlertKind;
  group_key: string | null;
  grp: string | null;
  event_ids: string;
  event_ts: number | null;
  assignee: string | null;
  disposition: AlertDisposition | null;
  reason: string | null;
  acknowledged_at: number | null;
  closed_at: number | null;
  assigned_at: number | null;
}

/** AlertPatch field -> column. */
const PATCH_COLUMNS: Record<keyof AlertPatch, string> = {
  status: 'status', assignee: 'assignee', disposition: 'disposition', reason: 'reason',
  acknowledgedAt: 'acknowledged_at', closedAt: 'closed_at', assignedAt: 'assigned_at',
};

const GROUP_COLUMN = { rule: 'a.rule_id', host: 'a.host_name', user: 'a.user_name' } as const;
const MAX_GROUPS = 1000;

/** The WHERE clause of a filter, with its bound arguments (never interpolated values). */
export function alertWhere(f: AlertFilter): { sql: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  if (f.status && f.status.length) {
    parts.push(`a.status IN (${f.status.map(() => '?').join(', ')})`);
    args.push(...f.status);
  }
  const eq = (column: string, value: string | undefined): void => {
    if (value === undefined) return;
    parts.push(`${column} = ?`);
    args.push(value);
  };
  eq('a.level', f.level);
  eq('a.rule_id', f.ruleId);
  eq('a.host_name', f.host);
  eq('a.user_name', f.user);
  if (f.assignee === null) parts.push('a.assignee IS NULL');
  else eq('a.assignee', f.assignee);
  if (f.from !== undefined) { parts.push('a.last_seen >= ?'); args.push(f.from); }
  if (f.to !== undefined) { parts.push('a.first_seen < ?'); args.push(f.to); }
  if (f.q !== undefined && f.q !== '') {
    const like = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push("(lower(a.title) LIKE ? ESCAPE '\\' OR lower(a.rule_id) LIKE ? ESCAPE '\\' OR lower(coalesce(a.host_name, '')) LIKE ? ESCAPE '\\' OR lower(coalesce(a.user_name, '')) LIKE ? ESCAPE '\\')");
    args.push(like, like, like, like);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}

const MAX_LIMIT = 500;

/** Every alert read carries its event ids, collected in the same statement. */
const SELECT = `SELECT a.*, (SELECT json_group_array(event_id) FROM
  (SELECT event_id FROM alert_events WHERE alert_id = a.id ORDER BY event_id)) AS event_ids FROM alerts a`;

export class SqliteAlertStore implements AlertStore {
  private readonly insertStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly groupStmt: Database.Statement;
  private readonly incrementStmt: Database.Statement;
  private readonly addEventStmt: Database.Statement;
  private readonly eventCountStmt: Database.Statement;

  /** `eventTime` finds an event's time by id (events live in day partitions the alert store does not know). */
  constructor(private readonly db: Database.Database, private readonly eventTime: (eventId: number) => number | undefined = () => undefined) {
    this.insertStmt = db.prepare(
      `INSERT INTO alerts (rule_id, title, level, tags, author, event_id, last_event_id, host_name, user_name, fields, status, count, first_seen, last_seen, kind, group_key, grp, event_ts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.getStmt = db.prepare(`${SELECT} WHERE a.id = ?`);
    // `IS` compares NULL group keys (events without host.name) as equal, and still uses the index.
    this.groupStmt = db.prepare(
      `${SELECT} WHERE a.rule_id = ? AND a.group_key IS ? AND a.status != 'closed' AND a.last_seen >= ? ORDER BY a.last_seen DESC, a.id DESC LIMIT 1`,
    );
    this.incrementStmt = db.prepare('UPDATE alerts SET count = count + ?, last_seen = max(last_seen, ?), last_event_id = ? WHERE id = ?');
    this.addEventStmt = db.prepare('INSERT OR IGNORE INTO alert_events (alert_id, event_id) VALUES (?, ?)');
    this.eventCountStmt = db.prepare('SELECT count(*) AS n FROM alert_events WHERE alert_id = ?');
  }

  insert(a: NewAlert): Alert {
    const eventIds = a.eventIds && a.eventIds.length > 0 ? a.eventIds : [a.eventId];
    const groupKey = a.groupKey === undefined ? a.hostName : a.groupKey;
    const id = this.db.transaction(() => {
      const info = this.insertStmt.run(
        a.ruleId, a.title, a.level, JSON.stringify(a.tags), a.author, a.eventId, eventIds[eventIds.length - 1]!,
        a.hostName, a.userName, JSON.stringify(a.fields), occurrences(a.count), a.at, a.at, a.kind ?? 'match', groupKey,
        a.group ? JSON.stringify(a.group) : null, this.eventTime(a.eventId) ?? null,
      );
      const id = Number(info.lastInsertRowid);
      this.addEvents(id, [a.eventId, ...eventIds]);
      return id;
    }).immediate();
    return this.get(id)!;
  }

  findGroupable(ruleId: string, groupKey: string | null, since: number): Alert | undefined {
    const row = this.groupStmt.get(ruleId, groupKey, since) as AlertRow | undefined;
    return row ? toAlert(row) : undefined;
  }

  increment(id: number, at: number, eventIds: number | readonly number[], n = 1): Alert | undefined {
    const ids = typeof eventIds === 'number' ? [eventIds] : eventIds;
    if (ids.length === 0) throw new RangeError('increment needs at least one event id');
    const changed = this.db.transaction(() => {
      const info = this.incrementStmt.run(occurrences(n), at, ids[ids.length - 1]!, id);
      if (info.changes) this.addEvents(id, ids);
      return info.changes > 0;
    }).immediate();
    return changed ? this.get(id) : undefined;
  }

  list(query: AlertListQuery = {}): { total: number; alerts: Alert[] } {
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 0), MAX_LIMIT);
    const offset = Math.max(Math.trunc(query.offset ?? 0), 0);
    const { sql: where, args } = alertWhere(query);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM alerts a ${where}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`${SELECT} ${where} ORDER BY a.last_seen DESC, a.id DESC LIMIT ? OFFSET ?`)
      .all(...args, limit, offset) as AlertRow[];
    return { total, alerts: rows.map(toAlert) };
  }

  groups(query: AlertGroupQuery): { total: number; groups: AlertGroup[] } {
    const column = GROUP_COLUMN[query.by];
    const window = Math.trunc(query.windowMs);
    if (!(window >= 1)) throw new RangeError(`group window must be at least 1 ms, got ${query.windowMs}`);
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? 100), 0), MAX_GROUPS);
    const { sql: where, args } = alertWhere(query);
    const grouped = `SELECT ${column} AS key, (a.first_seen / ${window}) * ${window} AS window_start, count(*) AS alerts,
        sum(a.count) AS occurrences, min(a.first_seen) AS first_seen, max(a.last_seen) AS last_seen, max(a.title) AS title,
        json_group_array(a.status) AS statuses, max(a.id) AS newest
      FROM alerts a ${where} GROUP BY key, window_start`;
    const total = (this.db.prepare(`SELECT count(*) AS n FROM (${grouped})`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`${grouped} ORDER BY last_seen DESC, newest DESC LIMIT ?`).all(...args, limit) as {
      key: string | null; window_start: number; alerts: number; occurrences: number; first_seen: number; last_seen: number; title: string; statuses: string;
    }[];
    const idStmt = this.db.prepare(`SELECT a.id FROM alerts a ${where ? `${where} AND` : 'WHERE'} ${column} IS ? AND a.first_seen >= ? AND a.first_seen < ? ORDER BY a.id DESC LIMIT ${MAX_GROUP_IDS}`).pluck();
    return {
      total,
      groups: rows.map((r) => {
        const statuses: Partial<Record<AlertStatus, number>> = {};
        for (const st of JSON.parse(r.statuses) as AlertStatus[]) statuses[st] = (statuses[st] ?? 0) + 1;
        return {
          key: r.key, windowStart: r.window_start, alerts: r.alerts, occurrences: r.occurrences, firstSeen: r.first_seen, lastSeen: r.last_seen,
          statuses, title: r.title, alertIds: idStmt.all(...args, r.key, r.window_start, r.window_start + window) as number[],
        };
      }),
    };
  }

  get(id: number): Alert | undefined {
    const row = this.getStmt.get(id) as AlertRow | undefined;
    return row ? toAlert(row) : undefined;
  }

  update(id: number, patch: AlertPatch): Alert | undefined {
    const keys = (Object.keys(patch) as (keyof AlertPatch)[]).filter((k) => patch[k] !== undefined && k in PATCH_COLUMNS);
    if (keys.length === 0) return this.get(id);
    const info = this.db.prepare(`UPDATE alerts SET ${keys.map((k) => `${PATCH_COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`)
      .run(...keys.map((k) => patch[k] ?? null), id);
    return info.changes ? this.get(id) : undefined;
  }

  /** Keeps the first MAX_ALERT_EVENTS distinct events of an alert; later ones only raise the count. */
  private addEvents(alertId: number, eventIds: readonly number[]): void {
    let n = (this.eventCountStmt.get(alertId) as { n: number }).n;
    for (const e of eventIds) {
      if (n >= MAX_ALERT_EVENTS) return;
      n += this.addEventStmt.run(alertId, e).changes;
    }
  }
}

function occurrences(n: number | undefined): number {
  if (n === undefined) return 1;
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`alert occurrences must be a positive integer, got ${n}`);
  return n;
}

function toAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    ruleId: r.rule_id,
    title: r.title,
    level: r.level,
    tags: JSON.parse(r.tags) as string[],
    author: r.author,
    eventId: r.event_id,
    lastEventId: r.last_event_id,
    eventIds: JSON.parse(r.event_ids) as number[],
    hostName: r.host_name,
    userName: r.user_name,
    fields: JSON.parse(r.fields) as Alert['fields'],
    kind: r.kind,
    groupKey: r.group_key,
    group: r.grp === null ? null : (JSON.parse(r.grp) as Record<string, string>),
    status: r.status,
    count: r.count,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    eventTime: r.event_ts,
    assignee: r.assignee,
    disposition: r.disposition,
    reason: r.reason,
    acknowledgedAt: r.acknowledged_at,
    closedAt: r.closed_at,
    assignedAt: r.assigned_at,
  };
}
