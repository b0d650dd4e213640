/**
 * The ticketing outbox, its attempt log and the case -> external ticket refs. The tables are created
 * here (not in schema.ts) so the module stays self-contained; the DDL is idempotent.
 */
import type Database from 'better-sqlite3';
import type {
  Delivery, DeliveryAttempt, DeliveryListQuery, DeliveryState, DeliveryStore, NewDelivery, TicketRef,
} from '../ports.js';

const DDL = `
CREATE TABLE IF NOT EXISTS ticket_deliveries (
  id INTEGER PRIMARY KEY,
  target TEXT NOT NULL,
  case_id INTEGER NOT NULL,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS ticket_deliveries_queue ON ticket_deliveries (state, target, case_id, id);
CREATE INDEX IF NOT EXISTS ticket_deliveries_due ON ticket_deliveries (state, next_at);
CREATE TABLE IF NOT EXISTS ticket_delivery_attempts (
  id INTEGER PRIMARY KEY,
  delivery_id INTEGER NOT NULL REFERENCES ticket_deliveries (id) ON DELETE CASCADE,
  target TEXT NOT NULL,
  case_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  status_code INTEGER,
  duration_ms INTEGER NOT NULL,
  error TEXT,
  detail TEXT,
  outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ticket_delivery_attempts_delivery ON ticket_delivery_attempts (delivery_id, id);
CREATE TABLE IF NOT EXISTS ticket_refs (
  target TEXT NOT NULL,
  case_id INTEGER NOT NULL,
  ticket_key TEXT NOT NULL,
  alias TEXT,
  synced_status TEXT,
  updated INTEGER NOT NULL,
  PRIMARY KEY (target, case_id)
);
CREATE INDEX IF NOT EXISTS ticket_refs_key ON ticket_refs (target, ticket_key);
CREATE INDEX IF NOT EXISTS ticket_refs_alias ON ticket_refs (target, alias);
`;

interface DeliveryRow {
  id: number; target: string; case_id: number; event: string; payload: string; state: DeliveryState;
  attempts: number; next_at: number; created: number; updated: number; last_error: string | null;
}
interface AttemptRow {
  id: number; delivery_id: number; target: string; case_id: number; at: number; status_code: number | null;
  duration_ms: number; error: string | null; detail: string | null; outcome: DeliveryAttempt['outcome'];
}
interface RefRow { target: string; case_id: number; ticket_key: string; alias: string | null; synced_status: string | null; updated: number }

const MAX_LIMIT = 500;

function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id, target: r.target, caseId: r.case_id, event: r.event, payload: r.payload, state: r.state,
    attempts: r.attempts, nextAt: r.next_at, created: r.created, updated: r.updated, lastError: r.last_error,
  };
}

function toAttempt(r: AttemptRow): DeliveryAttempt {
  return {
    id: r.id, deliveryId: r.delivery_id, target: r.target, caseId: r.case_id, at: r.at, statusCode: r.status_code,
    durationMs: r.duration_ms, error: r.error, detail: r.detail, outcome: r.outcome,
  };
}

function toRef(r: RefRow): TicketRef {
  return { target: r.target, caseId: r.case_id, ticketKey: r.ticket_key, alias: r.alias, syncedStatus: r.synced_status, updated: r.updated };
}

export class SqliteDeliveryStore implements DeliveryStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    db.exec(DDL);
    this.stmts = {
      pendingOf: db.prepare("SELECT * FROM ticket_deliveries WHERE state = 'pending' AND target = ? AND case_id = ? ORDER BY id"),
      insert: db.prepare("INSERT INTO ticket_deliveries (target, case_id, event, payload, state, attempts, next_at, created, updated) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)"),
      replace: db.prepare('UPDATE ticket_deliveries SET event = ?, payload = ?, updated = ? WHERE id = ?'),
      get: db.prepare('SELECT * FROM ticket_deliveries WHERE id = ?'),
      due: db.prepare(`SELECT d.* FROM ticket_deliveries d
        WHERE d.state = 'pending' AND d.next_at <= ?
          AND d.id = (SELECT min(p.id) FROM ticket_deliveries p WHERE p.state = 'pending' AND p.target = d.target AND p.case_id = d.case_id)
        ORDER BY d.next_at, d.id LIMIT ?`),
      nextDue: db.prepare(`SELECT min(d.next_at) AS t FROM ticket_deliveries d
        WHERE d.state = 'pending'
          AND d.id = (SELECT min(p.id) FROM ticket_deliveries p WHERE p.state = 'pending' AND p.target = d.target AND p.case_id = d.case_id)`),
      attempt: db.prepare(`INSERT INTO ticket_delivery_attempts (delivery_id, target, case_id, at, status_code, duration_ms, error, detail, outcome)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      advance: db.prepare('UPDATE ticket_deliveries SET state = ?, attempts = attempts + 1, next_at = ?, last_error = ?, updated = ? WHERE id = ?'),
      prune: db.prepare("DELETE FROM ticket_deliveries WHERE state != 'pending' AND updated < ?"),
      pruneAttempts: db.prepare("DELETE FROM ticket_delivery_attempts WHERE delivery_id IN (SELECT id FROM ticket_deliveries WHERE state != 'pending' AND updated < ?)"),
      getRef: db.prepare('SELECT * FROM ticket_refs WHERE target = ? AND case_id = ?'),
      findRef: db.prepare('SELECT * FROM ticket_refs WHERE target = ? AND (ticket_key = ? OR alias = ?) ORDER BY updated DESC LIMIT 1'),
      setRef: db.prepare(`INSERT INTO ticket_refs (target, case_id, ticket_key, alias, synced_status, updated) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (target, case_id) DO UPDATE SET ticket_key = excluded.ticket_key, alias = excluded.alias, synced_status = excluded.synced_status, updated = excluded.updated`),
      setSynced: db.prepare('UPDATE ticket_refs SET synced_status = ?, updated = ? WHERE target = ? AND case_id = ?'),
    };
  }

  enqueue(d: NewDelivery, now: number = Date.now()): Delivery {
    return this.db.transaction((): Delivery => {
      const pending = this.stmts.pendingOf.all(d.target, d.caseId) as DeliveryRow[];
      // The head may be in flight; only a delivery waiting behind it can be safely replaced.
      const tail = pending.length >= 2 ? pending[pending.length - 1]! : undefined;
      if (tail) {
        const event = tail.event === 'created' ? 'created' : d.event;
        this.stmts.replace.run(event, d.payload, now, tail.id);
        return this.get(tail.id)!;
      }
      const info = this.stmts.insert.run(d.target, d.caseId, d.event, d.payload, now, now, now);
      return this.get(Number(info.lastInsertRowid))!;
    }).immediate();
  }

  due(now: number, limit: number): Delivery[] {
    return (this.stmts.due.all(now, Math.max(1, Math.min(limit, MAX_LIMIT))) as DeliveryRow[]).map(toDelivery);
  }

  nextDueAt(): number | undefined {
    const t = (this.stmts.nextDue.get() as { t: number | null }).t;
    return t ?? undefined;
  }

  recordAttempt(a: Omit<DeliveryAttempt, 'id'>, next: { state: DeliveryState; nextAt?: number; error?: string | null }): void {
    this.db.transaction(() => {
      this.stmts.attempt.run(a.deliveryId, a.target, a.caseId, a.at, a.statusCode, Math.round(a.durationMs), a.error, a.detail, a.outcome);
      this.stmts.advance.run(next.state, next.nextAt ?? a.at, next.error ?? null, a.at + Math.round(a.durationMs), a.deliveryId);
    }).immediate();
  }

  get(id: number): Delivery | undefined {
    const row = this.stmts.get.get(id) as DeliveryRow | undefined;
    return row ? toDelivery(row) : undefined;
  }

  list(query: DeliveryListQuery = {}): { total: number; deliveries: Delivery[] } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.state) { where.push('state = ?'); args.push(query.state); }
    if (query.target) { where.push('target = ?'); args.push(query.target); }
    if (query.caseId !== undefined) { where.push('case_id = ?'); args.push(query.caseId); }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM ticket_deliveries ${clause}`).get(...args) as { n: number }).n;
    const limit = Math.max(0, Math.min(query.limit ?? 50, MAX_LIMIT));
    const rows = this.db.prepare(`SELECT * FROM ticket_deliveries ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`)
      .all(...args, limit, query.offset ?? 0) as DeliveryRow[];
    return { total, deliveries: rows.map(toDelivery) };
  }

  attempts(deliveryIds: readonly number[]): DeliveryAttempt[] {
    if (!deliveryIds.length) return [];
    const ids = deliveryIds.slice(0, MAX_LIMIT);
    const rows = this.db.prepare(`SELECT * FROM ticket_delivery_attempts WHERE delivery_id IN (${ids.map(() => '?').join(', ')}) ORDER BY id`)
      .all(...ids) as AttemptRow[];
    return rows.map(toAttempt);
  }

  prune(before: number): number {
    return this.db.transaction(() => {
      this.stmts.pruneAttempts.run(before);
      return this.stmts.prune.run(before).changes;
    }).immediate();
  }

  getRef(target: string, caseId: number): TicketRef | undefined {
    const row = this.stmts.getRef.get(target, caseId) as RefRow | undefined;
    return row ? toRef(row) : undefined;
  }

  findRef(target: string, key: string): TicketRef | undefined {
    const row = this.stmts.findRef.get(target, key, key) as RefRow | undefined;
    return row ? toRef(row) : undefined;
  }

  setRef(ref: Omit<TicketRef, 'updated'>, now: number = Date.now()): void {
    this.stmts.setRef.run(ref.target, ref.caseId, ref.ticketKey, ref.alias, ref.syncedStatus, now);
  }

  setSyncedStatus(target: string, caseId: number, status: string, now: number = Date.now()): void {
    this.stmts.setSynced.run(status, now, target, caseId);
  }
}
