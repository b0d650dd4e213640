import type Database from 'better-sqlite3';
import type { Alert, AlertListQuery, AlertStatus, AlertStore, NewAlert } from '../ports.js';

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
}

const MAX_LIMIT = 500;

export class SqliteAlertStore implements AlertStore {
  private readonly insertStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly groupStmt: Database.Statement;
  private readonly groupNullHostStmt: Database.Statement;
  private readonly incrementStmt: Database.Statement;
  private readonly statusStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO alerts (rule_id, title, level, tags, author, event_id, last_event_id, host_name, user_name, fields, status, count, first_seen, last_seen)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', 1, ?, ?)`,
    );
    this.getStmt = db.prepare('SELECT * FROM alerts WHERE id = ?');
    const group = `SELECT * FROM alerts WHERE rule_id = ? AND status != 'closed' AND last_seen >= ? AND host_name`;
    this.groupStmt = db.prepare(`${group} = ? ORDER BY last_seen DESC, id DESC LIMIT 1`);
    this.groupNullHostStmt = db.prepare(`${group} IS NULL ORDER BY last_seen DESC, id DESC LIMIT 1`);
    this.incrementStmt = db.prepare('UPDATE alerts SET count = count + 1, last_seen = max(last_seen, ?), last_event_id = ? WHERE id = ?');
    this.statusStmt = db.prepare('UPDATE alerts SET status = ? WHERE id = ?');
  }

  insert(a: NewAlert): Alert {
    const info = this.insertStmt.run(
      a.ruleId, a.title, a.level, JSON.stringify(a.tags), a.author, a.eventId, a.eventId,
      a.hostName, a.userName, JSON.stringify(a.fields), a.at, a.at,
    );
    return this.get(Number(info.lastInsertRowid))!;
  }

  findGroupable(ruleId: string, hostName: string | null, since: number): Alert | undefined {
    const row = (hostName === null
      ? this.groupNullHostStmt.get(ruleId, since)
      : this.groupStmt.get(ruleId, since, hostName)) as AlertRow | undefined;
    return row ? toAlert(row) : undefined;
  }

  increment(id: number, at: number, eventId: number): Alert | undefined {
    this.incrementStmt.run(at, eventId, id);
    return this.get(id);
  }

  list(query: AlertListQuery = {}): { total: number; alerts: Alert[] } {
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 0), MAX_LIMIT);
    const offset = Math.max(Math.trunc(query.offset ?? 0), 0);
    const where = query.status ? 'WHERE status = ?' : '';
    const args: unknown[] = query.status ? [query.status] : [];
    const total = (this.db.prepare(`SELECT count(*) AS n FROM alerts ${where}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM alerts ${where} ORDER BY last_seen DESC, id DESC LIMIT ? OFFSET ?`)
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
    hostName: r.host_name,
    userName: r.user_name,
    fields: JSON.parse(r.fields) as Alert['fields'],
    status: r.status,
    count: r.count,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
  };
}
