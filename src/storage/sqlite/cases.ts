/**
 * Case management tables: cases (RCA and review as JSON columns), tasks, observables (unique per case by
 * type and key), alert links, comments and the analyst-action log the timeline reads.
 */
import type Database from 'better-sqlite3';
import type * as C from '../../cases/types.js';
import type {
  CaseListQuery, CasePatch, CaseStore, NewCase, NewObservable, NewTask, Sighting, SimilarCase, TaskPatch,
} from '../ports.js';

export const CASES_DDL = `
CREATE TABLE IF NOT EXISTS cases (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  severity TEXT NOT NULL,
  tlp TEXT NOT NULL,
  pap TEXT NOT NULL,
  status TEXT NOT NULL,
  owner TEXT,
  tags TEXT NOT NULL,
  template TEXT,
  created_by TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  closed INTEGER,
  rca TEXT,
  pir TEXT
);
CREATE INDEX IF NOT EXISTS cases_status ON cases (status, id);
CREATE TABLE IF NOT EXISTS case_tasks (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  phase TEXT,
  assignee TEXT,
  due INTEGER,
  status TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS case_tasks_case ON case_tasks (case_id, id);
CREATE TABLE IF NOT EXISTS case_observables (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  key TEXT NOT NULL,
  subtype TEXT,
  source TEXT NOT NULL,
  description TEXT,
  added_by TEXT NOT NULL,
  added INTEGER NOT NULL,
  UNIQUE (case_id, type, key)
);
CREATE INDEX IF NOT EXISTS case_observables_key ON case_observables (type, key);
CREATE TABLE IF NOT EXISTS case_alerts (
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  alert_id INTEGER NOT NULL,
  linked_by TEXT NOT NULL,
  linked INTEGER NOT NULL,
  PRIMARY KEY (case_id, alert_id)
);
CREATE INDEX IF NOT EXISTS case_alerts_alert ON case_alerts (alert_id);
CREATE TABLE IF NOT EXISTS case_comments (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  author TEXT NOT NULL,
  body TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS case_comments_case ON case_comments (case_id, id);
CREATE TABLE IF NOT EXISTS case_activity (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  kind TEXT NOT NULL,
  summary TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS case_activity_case ON case_activity (case_id, id);
`;

interface CaseRow {
  id: number; title: string; description: string; severity: C.Severity; tlp: C.Tlp; pap: C.Pap; status: C.CaseStatus;
  owner: string | null; tags: string; template: string | null; created_by: string; created: number; updated: number;
  closed: number | null; rca: string | null; pir: string | null;
}
interface TaskRow {
  id: number; case_id: number; title: string; phase: C.Phase | null; assignee: string | null; due: number | null;
  status: C.TaskStatus; created: number; updated: number;
}
interface ObservableRow {
  id: number; case_id: number; type: C.ObservableType; value: string; key: string; subtype: string | null; source: string;
  description: string | null; added_by: string; added: number;
}

const MAX_LIMIT = 500;

function toCase(r: CaseRow): C.Case {
  return {
    id: r.id, title: r.title, description: r.description, severity: r.severity, tlp: r.tlp, pap: r.pap,
    status: r.status, owner: r.owner, tags: JSON.parse(r.tags) as string[], template: r.template,
    createdBy: r.created_by, created: r.created, updated: r.updated, closed: r.closed,
    rca: r.rca === null ? null : JSON.parse(r.rca) as C.RootCauseAnalysis,
    pir: r.pir === null ? null : JSON.parse(r.pir) as C.PostIncidentReview,
  };
}

function toTask(r: TaskRow): C.Task {
  return {
    id: r.id, caseId: r.case_id, title: r.title, phase: r.phase, assignee: r.assignee, due: r.due,
    status: r.status, created: r.created, updated: r.updated,
  };
}

function toObservable(r: ObservableRow): C.Observable {
  return {
    id: r.id, caseId: r.case_id, type: r.type, value: r.value, subtype: r.subtype, source: r.source,
    description: r.description, addedBy: r.added_by, added: r.added,
  };
}

/** Column name per patchable case field; JSON-typed fields are serialized. */
const CASE_COLUMNS: Record<keyof CasePatch, string> = {
  title: 'title', description: 'description', severity: 'severity', tlp: 'tlp', pap: 'pap', status: 'status',
  owner: 'owner', tags: 'tags', closed: 'closed', rca: 'rca', pir: 'pir',
};
const JSON_FIELDS = new Set<keyof CasePatch>(['tags', 'rca', 'pir']);
const TASK_COLUMNS: Record<keyof TaskPatch, string> = { title: 'title', assignee: 'assignee', due: 'due', status: 'status' };

export class SqliteCaseStore implements CaseStore {
  constructor(private readonly db: Database.Database) {
    db.exec(CASES_DDL);
  }

  create(c: NewCase, now: number): C.Case {
    const info = this.db.prepare(
      `INSERT INTO cases (title, description, severity, tlp, pap, status, owner, tags, template, created_by, created, updated, closed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(c.title, c.description, c.severity, c.tlp, c.pap, c.status, c.owner, JSON.stringify(c.tags), c.template,
      c.createdBy, now, now, c.status === 'closed' ? now : null);
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): C.Case | undefined {
    const row = this.db.prepare('SELECT * FROM cases WHERE id = ?').get(id) as CaseRow | undefined;
    return row ? toCase(row) : undefined;
  }

  update(id: number, patch: CasePatch, now: number): C.Case | undefined {
    const sets: string[] = ['updated = ?'];
    const args: unknown[] = [now];
    for (const [field, column] of Object.entries(CASE_COLUMNS) as [keyof CasePatch, string][]) {
      if (!(field in patch)) continue;
      const v = patch[field];
      sets.push(`${column} = ?`);
      args.push(JSON_FIELDS.has(field) ? (v === null ? null : JSON.stringify(v)) : v);
    }
    const info = this.db.prepare(`UPDATE cases SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
    return info.changes ? this.get(id) : undefined;
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM cases WHERE id = ?').run(id).changes > 0;
  }

  list(q: CaseListQuery = {}): { total: number; cases: C.Case[] } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.status && q.status.length) {
      where.push(`status IN (${q.status.map(() => '?').join(', ')})`);
      args.push(...q.status);
    }
    if (q.severity) { where.push('severity = ?'); args.push(q.severity); }
    if (q.owner !== undefined) { where.push('owner = ?'); args.push(q.owner); }
    if (q.tag !== undefined) { where.push('EXISTS (SELECT 1 FROM json_each(cases.tags) WHERE value = ?)'); args.push(q.tag); }
    if (q.text) { where.push("instr(lower(title), lower(?)) > 0"); args.push(q.text); }
    const sql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 50), 0), MAX_LIMIT);
    const offset = Math.max(Math.trunc(q.offset ?? 0), 0);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM cases ${sql}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM cases ${sql} ORDER BY updated DESC, id DESC LIMIT ? OFFSET ?`)
      .all(...args, limit, offset) as CaseRow[];
    return { total, cases: rows.map(toCase) };
  }

  addTask(caseId: number, t: NewTask, now: number): C.Task {
    const info = this.db.prepare(
      'INSERT INTO case_tasks (case_id, title, phase, assignee, due, status, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(caseId, t.title, t.phase, t.assignee, t.due, t.status, now, now);
    return this.getTask(caseId, Number(info.lastInsertRowid))!;
  }

  getTask(caseId: number, taskId: number): C.Task | undefined {
    const row = this.db.prepare('SELECT * FROM case_tasks WHERE case_id = ? AND id = ?').get(caseId, taskId) as TaskRow | undefined;
    return row ? toTask(row) : undefined;
  }

  updateTask(caseId: number, taskId: number, patch: TaskPatch, now: number): C.Task | undefined {
    const sets: string[] = ['updated = ?'];
    const args: unknown[] = [now];
    for (const [field, column] of Object.entries(TASK_COLUMNS) as [keyof TaskPatch, string][]) {
      if (!(field in patch)) continue;
      sets.push(`${column} = ?`);
      args.push(patch[field]);
    }
    const info = this.db.prepare(`UPDATE case_tasks SET ${sets.join(', ')} WHERE case_id = ? AND id = ?`).run(...args, caseId, taskId);
    return info.changes ? this.getTask(caseId, taskId) : undefined;
  }

  tasks(caseId: number): C.Task[] {
    return (this.db.prepare('SELECT * FROM case_tasks WHERE case_id = ? ORDER BY id').all(caseId) as TaskRow[]).map(toTask);
  }

  addObservable(caseId: number, o: NewObservable, now: number): { observable: C.Observable; created: boolean } {
    const info = this.db.prepare(
      `INSERT OR IGNORE INTO case_observables (case_id, type, value, key, subtype, source, description, added_by, added)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(caseId, o.type, o.value, o.key, o.subtype, o.source, o.description, o.addedBy, now);
    const row = this.db.prepare('SELECT * FROM case_observables WHERE case_id = ? AND type = ? AND key = ?')
      .get(caseId, o.type, o.key) as ObservableRow;
    return { observable: toObservable(row), created: info.changes > 0 };
  }

  observables(caseId: number): C.Observable[] {
    return (this.db.prepare('SELECT * FROM case_observables WHERE case_id = ? ORDER BY id').all(caseId) as ObservableRow[]).map(toObservable);
  }

  sightings(type: C.ObservableType, key: string, limit: number): Sighting[] {
    const rows = this.db.prepare(
      `SELECT c.id AS caseId, c.title, c.status, c.severity, o.id AS observableId, o.added
       FROM case_observables o JOIN cases c ON c.id = o.case_id
       WHERE o.type = ? AND o.key = ? ORDER BY c.id DESC LIMIT ?`,
    ).all(type, key, limit) as Sighting[];
    return rows;
  }

  similar(caseId: number, statuses: readonly C.CaseStatus[], limit: number): SimilarCase[] {
    const marks = statuses.map(() => '?').join(', ');
    const rows = this.db.prepare(
      `SELECT c.id AS caseId, c.title, c.status, c.severity, o2.type, mine.value
       FROM case_observables mine
       JOIN case_observables o2 ON o2.type = mine.type AND o2.key = mine.key AND o2.case_id != mine.case_id
       JOIN cases c ON c.id = o2.case_id
       WHERE mine.case_id = ? AND c.status IN (${marks})
       ORDER BY c.id, mine.id`,
    ).all(caseId, ...statuses) as { caseId: number; title: string; status: C.CaseStatus; severity: C.Severity; type: C.ObservableType; value: string }[];
    const byCase = new Map<number, SimilarCase>();
    for (const r of rows) {
      let s = byCase.get(r.caseId);
      if (!s) byCase.set(r.caseId, s = { caseId: r.caseId, title: r.title, status: r.status, severity: r.severity, shared: [] });
      s.shared.push({ type: r.type, value: r.value });
    }
    return [...byCase.values()].sort((a, b) => b.shared.length - a.shared.length || b.caseId - a.caseId).slice(0, limit);
  }

  linkAlerts(caseId: number, alertIds: readonly number[], by: string, now: number): number[] {
    const stmt = this.db.prepare('INSERT OR IGNORE INTO case_alerts (case_id, alert_id, linked_by, linked) VALUES (?, ?, ?, ?)');
    return alertIds.filter((id) => stmt.run(caseId, id, by, now).changes > 0);
  }

  alertLinks(caseId: number): C.CaseAlertLink[] {
    return this.db.prepare('SELECT case_id AS caseId, alert_id AS alertId, linked_by AS linkedBy, linked FROM case_alerts WHERE case_id = ? ORDER BY linked, alert_id')
      .all(caseId) as C.CaseAlertLink[];
  }

  casesOfAlert(alertId: number): number[] {
    return (this.db.prepare('SELECT case_id AS id FROM case_alerts WHERE alert_id = ? ORDER BY case_id').all(alertId) as { id: number }[]).map((r) => r.id);
  }

  addComment(caseId: number, author: string, body: string, now: number): C.Comment {
    const info = this.db.prepare('INSERT INTO case_comments (case_id, author, body, created) VALUES (?, ?, ?, ?)').run(caseId, author, body, now);
    return { id: Number(info.lastInsertRowid), caseId, author, body, created: now };
  }

  comments(caseId: number): C.Comment[] {
    return this.db.prepare('SELECT id, case_id AS caseId, author, body, created FROM case_comments WHERE case_id = ? ORDER BY id').all(caseId) as C.Comment[];
  }

  addActivity(caseId: number, actor: string, kind: string, summary: string, now: number): void {
    this.db.prepare('INSERT INTO case_activity (case_id, at, actor, kind, summary) VALUES (?, ?, ?, ?, ?)').run(caseId, now, actor, kind, summary);
  }

  activity(caseId: number): C.Activity[] {
    return this.db.prepare('SELECT id, case_id AS caseId, at, actor, kind, summary FROM case_activity WHERE case_id = ? ORDER BY id').all(caseId) as C.Activity[];
  }
}
