/**
 * The audit log table: append-only (triggers refuse UPDATE and DELETE), each row carrying the previous
 * row's hash and its own, computed by the caller's `link` inside the insert transaction.
 */
import type Database from 'better-sqlite3';
import type { AuditEntry, AuditQuery, AuditRecord, AuditStore } from '../ports.js';

export const AUDIT_DDL = `
CREATE TABLE IF NOT EXISTS audit_log (
  seq INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  actor_user INTEGER,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL,
  ip TEXT,
  prev TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_target ON audit_log (target_type, target_id);
CREATE INDEX IF NOT EXISTS audit_ts ON audit_log (ts);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`;

interface Row {
  seq: number; ts: number; actor_kind: string; actor_name: string; actor_user: number | null; action: string;
  target_type: string; target_id: string; before: string; after: string; ip: string | null; prev: string; hash: string;
}

function toRecord(row: Row): AuditRecord {
  const r: AuditRecord = {
    seq: row.seq, ts: row.ts,
    actor: row.actor_user === null ? { kind: row.actor_kind, name: row.actor_name } : { kind: row.actor_kind, name: row.actor_name, userId: row.actor_user },
    action: row.action, target: { type: row.target_type, id: row.target_id },
    before: JSON.parse(row.before) as unknown, after: JSON.parse(row.after) as unknown,
    prev: row.prev, hash: row.hash,
  };
  if (row.ip !== null) r.ip = row.ip;
  return r;
}

const MAX_LIMIT = 500;

export class SqliteAuditStore implements AuditStore {
  private readonly appendTx: Database.Transaction<(entry: AuditEntry, link: (prev: string, record: Omit<AuditRecord, 'hash'>) => string) => AuditRecord>;

  constructor(private readonly db: Database.Database) {
    db.exec(AUDIT_DDL);
    const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    const insert = db.prepare(`INSERT INTO audit_log (seq, ts, actor_kind, actor_name, actor_user, action, target_type, target_id, before, after, ip, prev, hash)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.appendTx = db.transaction((entry: AuditEntry, link: (prev: string, record: Omit<AuditRecord, 'hash'>) => string) => {
      const tail = last.get() as { seq: number; hash: string } | undefined;
      // Values go through JSON once so what is hashed is exactly what a later read returns.
      const before = JSON.stringify(entry.before ?? null);
      const after = JSON.stringify(entry.after ?? null);
      const draft: Omit<AuditRecord, 'hash'> = {
        ...entry, seq: (tail?.seq ?? 0) + 1, prev: tail?.hash ?? '',
        before: JSON.parse(before) as unknown, after: JSON.parse(after) as unknown,
      };
      const hash = link(draft.prev, draft);
      insert.run(draft.seq, draft.ts, entry.actor.kind, entry.actor.name, entry.actor.userId ?? null, entry.action,
        entry.target.type, entry.target.id, before, after, entry.ip ?? null, draft.prev, hash);
      return { ...draft, hash };
    });
  }

  append(entry: AuditEntry, link: (prev: string, record: Omit<AuditRecord, 'hash'>) => string): AuditRecord {
    return this.appendTx.immediate(entry, link);
  }

  list(q: AuditQuery = {}): { total: number; records: AuditRecord[] } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.actor !== undefined) { where.push('actor_name = ?'); args.push(q.actor); }
    if (q.action !== undefined) { where.push('action = ?'); args.push(q.action); }
    if (q.targetType !== undefined) { where.push('target_type = ?'); args.push(q.targetType); }
    if (q.targetId !== undefined) { where.push('target_id = ?'); args.push(q.targetId); }
    if (q.from !== undefined) { where.push('ts >= ?'); args.push(q.from); }
    if (q.to !== undefined) { where.push('ts < ?'); args.push(q.to); }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM audit_log ${clause}`).get(...args) as { n: number }).n;
    const limit = Math.min(Math.max(q.limit ?? 50, 0), MAX_LIMIT);
    const rows = this.db.prepare(`SELECT * FROM audit_log ${clause} ORDER BY seq DESC LIMIT ? OFFSET ?`)
      .all(...args, limit, Math.max(q.offset ?? 0, 0)) as Row[];
    return { total, records: rows.map(toRecord) };
  }

  *scan(): Iterable<AuditRecord> {
    for (const row of this.db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<Row>) yield toRecord(row);
  }
}
