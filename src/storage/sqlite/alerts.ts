import type Database from 'better-sqlite3';
import { MAX_ALERT_EVENTS, type Alert, type AlertKind, type AlertListQuery, type AlertStatus, type AlertStore, type NewAlert } from '../ports.js';

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
  private readonly statusStmt: Database.Statement;
  private readonly addEventStmt: Database.Statement;
  private readonly eventCountStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO alerts (rule_id, title, level, tags, author, event_id, last_event_id, host_name, user_name, fields, status, count, first_seen, last_seen, kind, group_key, grp)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?)`,
    );
    this.getStmt = db.prepare(`${SELECT} WHERE a.id = ?`);
    // `IS` compares NULL group keys (events without host.name) as equal, and still uses the index.
    this.groupStmt = db.prepare(
      `${SELECT} WHERE a.rule_id = ? AND a.group_key IS ? AND a.status != 'closed' AND a.last_seen >= ? ORDER BY a.last_seen DESC, a.id DESC LIMIT 1`,
    );
    this.incrementStmt = db.prepare('UPDATE alerts SET count = count + ?, last_seen = max(last_seen, ?), last_event_id = ? WHERE id = ?');
    this.statusStmt = db.prepare('UPDATE alerts SET status = ? WHERE id = ?');
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
        a.group ? JSON.stringify(a.group) : null,
      );
      const id = Number(info.lastInsertRowid);
      this.addEvents(id, [a.eventId, ...eventIds]);
      return id;
    })();
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
    })();
    return changed ? this.get(id) : undefined;
  }

  list(query: AlertListQuery = {}): { total: number; alerts: Alert[] } {
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 0), MAX_LIMIT);
    const offset = Math.max(Math.trunc(query.offset ?? 0), 0);
    const where = query.status ? 'WHERE a.status = ?' : '';
    const args: unknown[] = query.status ? [query.status] : [];
    const total = (this.db.prepare(`SELECT count(*) AS n FROM alerts a ${where}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`${SELECT} ${where} ORDER BY a.last_seen DESC, a.id DESC LIMIT ? OFFSET ?`)
      .all(...args, limit, offset) as AlertRow[];
    return { total, alerts: rows.map(toAlert) };
  }

  get(id: number): Alert | undefined {
    const row = this.getStmt.get(id) as AlertRow | undefined;
    return row ? toAlert(row) : undefined;
  }

  updateStatus(id: number, status: AlertStatus): Alert | undefined {
    const info = this.statusStmt.run(status, id);
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
  };
}
