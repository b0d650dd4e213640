/** Suppressions, rule exceptions and held alerts in the embedded store (tables of their own, apart from rule files). */
import type Database from 'better-sqlite3';
import {
  MAX_ALERT_EVENTS, type HeldAlertQuery, type NewHeldAlert, type NewRuleException, type NewSuppression, type RuleAlertRef,
  type RuleExceptionPatch, type SuppressionPatch, type TuningStore,
} from '../ports.js';
import type { ExceptionCondition, HeldAlert, HeldBy, RuleException, Suppression } from '../../tuning/types.js';

export const TUNING_DDL = `
CREATE TABLE IF NOT EXISTS suppressions (
  id INTEGER PRIMARY KEY,
  rule_id TEXT, host TEXT, user_name TEXT, query TEXT,
  start INTEGER NOT NULL, expires INTEGER NOT NULL,
  owner TEXT NOT NULL, reason TEXT NOT NULL, created_by TEXT NOT NULL,
  created INTEGER NOT NULL, updated INTEGER NOT NULL, deleted INTEGER
);
CREATE TABLE IF NOT EXISTS rule_exceptions (
  id INTEGER PRIMARY KEY,
  rule_id TEXT NOT NULL, conditions TEXT NOT NULL,
  owner TEXT NOT NULL, reason TEXT NOT NULL, expires INTEGER NOT NULL, created_by TEXT NOT NULL,
  created INTEGER NOT NULL, updated INTEGER NOT NULL, deleted INTEGER
);
CREATE INDEX IF NOT EXISTS rule_exceptions_rule ON rule_exceptions (rule_id);
CREATE TABLE IF NOT EXISTS held_alerts (
  id INTEGER PRIMARY KEY,
  held_by TEXT NOT NULL, ref_id INTEGER NOT NULL,
  rule_id TEXT NOT NULL, title TEXT NOT NULL, level TEXT, kind TEXT NOT NULL,
  host_name TEXT, user_name TEXT, group_key TEXT, fields TEXT NOT NULL, event_ids TEXT NOT NULL,
  count INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS held_alerts_ref ON held_alerts (held_by, ref_id, rule_id, group_key, last_seen);
CREATE INDEX IF NOT EXISTS held_alerts_rule ON held_alerts (rule_id, last_seen);
`;

interface SuppressionRow {
  id: number; rule_id: string | null; host: string | null; user_name: string | null; query: string | null;
  start: number; expires: number; owner: string; reason: string; created_by: string;
  created: number; updated: number; deleted: number | null; hits: number;
}

interface ExceptionRow {
  id: number; rule_id: string; conditions: string; owner: string; reason: string; expires: number; created_by: string;
  created: number; updated: number; deleted: number | null; hits: number;
}

interface HeldRow {
  id: number; held_by: HeldBy; ref_id: number; rule_id: string; title: string; level: string | null; kind: 'match' | 'correlation';
  host_name: string | null; user_name: string | null; group_key: string | null; fields: string; event_ids: string;
  count: number; first_seen: number; last_seen: number;
}

const HITS = (by: HeldBy, table: string): string =>
  `(SELECT coalesce(sum(h.count), 0) FROM held_alerts h WHERE h.held_by = '${by}' AND h.ref_id = ${table}.id) AS hits`;
const SUPPRESSIONS = `SELECT suppressions.*, ${HITS('suppression', 'suppressions')} FROM suppressions`;
const EXCEPTIONS = `SELECT rule_exceptions.*, ${HITS('exception', 'rule_exceptions')} FROM rule_exceptions`;
const MAX_LIST = 500;

export class SqliteTuningStore implements TuningStore {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  /** Prepared once per SQL text (the texts are fixed or built from fixed parts). */
  private stmt(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) { st = this.db.prepare(sql); this.statements.set(sql, st); }
    return st;
  }

  addSuppression(s: NewSuppression, now = Date.now()): Suppression {
    const info = this.stmt(
      `INSERT INTO suppressions (rule_id, host, user_name, query, start, expires, owner, reason, created_by, created, updated)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(s.ruleId, s.host, s.user, s.query, s.start, s.expires, s.owner, s.reason, s.createdBy, now, now);
    return this.getSuppression(Number(info.lastInsertRowid))!;
  }

  getSuppression(id: number): Suppression | undefined {
    const row = this.stmt(`${SUPPRESSIONS} WHERE id = ?`).get(id) as SuppressionRow | undefined;
    return row ? toSuppression(row) : undefined;
  }

  listSuppressions(options: { includeDeleted?: boolean } = {}): Suppression[] {
    const where = options.includeDeleted ? '' : 'WHERE deleted IS NULL';
    return (this.stmt(`${SUPPRESSIONS} ${where} ORDER BY id DESC`).all() as SuppressionRow[]).map(toSuppression);
  }

  updateSuppression(id: number, patch: SuppressionPatch, now = Date.now()): Suppression | undefined {
    const cols: Record<keyof SuppressionPatch, string> = {
      ruleId: 'rule_id', host: 'host', user: 'user_name', query: 'query', start: 'start', expires: 'expires', owner: 'owner', reason: 'reason',
    };
    return this.patch('suppressions', cols, id, patch, now) ? this.getSuppression(id) : undefined;
  }

  deleteSuppression(id: number, now = Date.now()): Suppression | undefined {
    const info = this.stmt('UPDATE suppressions SET deleted = ?, updated = ? WHERE id = ? AND deleted IS NULL').run(now, now, id);
    return info.changes ? this.getSuppression(id) : undefined;
  }

  addException(e: NewRuleException, now = Date.now()): RuleException {
    const info = this.stmt(
      `INSERT INTO rule_exceptions (rule_id, conditions, owner, reason, expires, created_by, created, updated)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(e.ruleId, JSON.stringify(e.conditions), e.owner, e.reason, e.expires, e.createdBy, now, now);
    return this.getException(Number(info.lastInsertRowid))!;
  }

  getException(id: number): RuleException | undefined {
    const row = this.stmt(`${EXCEPTIONS} WHERE id = ?`).get(id) as ExceptionRow | undefined;
    return row ? toException(row) : undefined;
  }

  listExceptions(options: { ruleId?: string; includeDeleted?: boolean } = {}): RuleException[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (!options.includeDeleted) where.push('deleted IS NULL');
    if (options.ruleId !== undefined) { where.push('rule_id = ?'); args.push(options.ruleId); }
    const sql = `${EXCEPTIONS} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC`;
    return (this.stmt(sql).all(...args) as ExceptionRow[]).map(toException);
  }

  updateException(id: number, patch: RuleExceptionPatch, now = Date.now()): RuleException | undefined {
    const stored = patch.conditions === undefined ? patch : { ...patch, conditions: JSON.stringify(patch.conditions) };
    const cols = { conditions: 'conditions', owner: 'owner', reason: 'reason', expires: 'expires' };
    return this.patch('rule_exceptions', cols, id, stored as Record<string, unknown>, now) ? this.getException(id) : undefined;
  }

  deleteException(id: number, now = Date.now()): RuleException | undefined {
    const info = this.stmt('UPDATE rule_exceptions SET deleted = ?, updated = ? WHERE id = ? AND deleted IS NULL').run(now, now, id);
    return info.changes ? this.getException(id) : undefined;
  }

  hold(a: NewHeldAlert, windowMs: number): HeldAlert {
    return this.db.transaction(() => {
      const open = this.stmt(
        `SELECT id, event_ids FROM held_alerts WHERE held_by = ? AND ref_id = ? AND rule_id = ? AND group_key IS ? AND last_seen >= ?
         ORDER BY last_seen DESC, id DESC LIMIT 1`,
      ).get(a.by, a.refId, a.ruleId, a.groupKey, a.at - windowMs) as { id: number; event_ids: string } | undefined;
      if (open) {
        const ids = JSON.parse(open.event_ids) as number[];
        for (const e of a.eventIds) if (ids.length < MAX_ALERT_EVENTS && !ids.includes(e)) ids.push(e);
        this.stmt('UPDATE held_alerts SET count = count + ?, last_seen = max(last_seen, ?), event_ids = ? WHERE id = ?')
          .run(a.count, a.at, JSON.stringify(ids), open.id);
        return this.getHeld(open.id)!;
      }
      const info = this.stmt(
        `INSERT INTO held_alerts (held_by, ref_id, rule_id, title, level, kind, host_name, user_name, group_key, fields, event_ids, count, first_seen, last_seen)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(a.by, a.refId, a.ruleId, a.title, a.level, a.kind, a.hostName, a.userName, a.groupKey, JSON.stringify(a.fields),
        JSON.stringify(a.eventIds.slice(0, MAX_ALERT_EVENTS)), a.count, a.at, a.at);
      return this.getHeld(Number(info.lastInsertRowid))!;
    }).immediate();
  }

  listHeld(query: HeldAlertQuery = {}): { total: number; alerts: HeldAlert[] } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.by !== undefined) { where.push('held_by = ?'); args.push(query.by); }
    if (query.refId !== undefined) { where.push('ref_id = ?'); args.push(query.refId); }
    if (query.ruleId !== undefined) { where.push('rule_id = ?'); args.push(query.ruleId); }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 0), MAX_LIST);
    const offset = Math.max(Math.trunc(query.offset ?? 0), 0);
    const total = (this.stmt(`SELECT count(*) AS n FROM held_alerts ${w}`).get(...args) as { n: number }).n;
    const rows = this.stmt(`SELECT * FROM held_alerts ${w} ORDER BY last_seen DESC, id DESC LIMIT ? OFFSET ?`).all(...args, limit, offset) as HeldRow[];
    return { total, alerts: rows.map(toHeld) };
  }

  alertsOfRule(ruleId: string, since: number, limit: number): RuleAlertRef[] {
    const rows = this.stmt(
      `SELECT a.id, a.count, a.last_seen, (SELECT json_group_array(event_id) FROM
         (SELECT event_id FROM alert_events WHERE alert_id = a.id ORDER BY event_id)) AS event_ids
       FROM alerts a WHERE a.rule_id = ? AND a.last_seen >= ? ORDER BY a.last_seen DESC, a.id DESC LIMIT ?`,
    ).all(ruleId, since, limit) as { id: number; count: number; last_seen: number; event_ids: string }[];
    return rows.map((r) => ({ id: r.id, count: r.count, lastSeen: r.last_seen, eventIds: JSON.parse(r.event_ids) as number[] }));
  }

  private getHeld(id: number): HeldAlert | undefined {
    const row = this.stmt('SELECT * FROM held_alerts WHERE id = ?').get(id) as HeldRow | undefined;
    return row ? toHeld(row) : undefined;
  }

  /** Column names come from the fixed maps above, never from input. */
  private patch(table: string, cols: Record<string, string>, id: number, patch: Record<string, unknown>, now: number): boolean {
    const sets: string[] = [];
    const args: unknown[] = [];
    for (const [key, col] of Object.entries(cols)) {
      if (patch[key] === undefined) continue;
      sets.push(`${col} = ?`);
      args.push(patch[key]);
    }
    sets.push('updated = ?');
    const info = this.stmt(`UPDATE ${table} SET ${sets.join(', ')} WHERE id = ? AND deleted IS NULL`).run(...args, now, id);
    return info.changes > 0;
  }
}

function toSuppression(r: SuppressionRow): Suppression {
  return {
    id: r.id, ruleId: r.rule_id, host: r.host, user: r.user_name, query: r.query, start: r.start, expires: r.expires,
    owner: r.owner, reason: r.reason, createdBy: r.created_by, created: r.created, updated: r.updated, deleted: r.deleted, hits: r.hits,
  };
}

function toException(r: ExceptionRow): RuleException {
  return {
    id: r.id, ruleId: r.rule_id, conditions: JSON.parse(r.conditions) as ExceptionCondition[], owner: r.owner, reason: r.reason,
    expires: r.expires, createdBy: r.created_by, created: r.created, updated: r.updated, deleted: r.deleted, hits: r.hits,
  };
}

function toHeld(r: HeldRow): HeldAlert {
  return {
    id: r.id, by: r.held_by, refId: r.ref_id, ruleId: r.rule_id, title: r.title, level: r.level, kind: r.kind,
    hostName: r.host_name, userName: r.user_name, groupKey: r.group_key, fields: JSON.parse(r.fields) as HeldAlert['fields'],
    eventIds: JSON.parse(r.event_ids) as number[], count: r.count, firstSeen: r.first_seen, lastSeen: r.last_seen,
  };
}
