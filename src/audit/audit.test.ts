import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { SqliteAuditStore } from '../storage/sqlite/audit.js';
import { canonicalJson } from './canonical.js';
import { AuditLog } from './log.js';
import { REDACTED } from './redact.js';

const ALICE = { kind: 'user', name: 'alice', userId: 1 };

function fresh(): { db: Database.Database; log: AuditLog } {
  const db = new Database(':memory:');
  let t = 1000;
  return { db, log: new AuditLog(new SqliteAuditStore(db), () => t++) };
}

test('canonical JSON sorts keys at every depth and drops undefined', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  assert.equal(canonicalJson(undefined), 'null');
});

test('records chain, secrets are redacted, and a clean log verifies', () => {
  const { log } = fresh();
  const a = log.record(ALICE, 'user.create', { type: 'user', id: '2' }, null, { username: 'bob', passwordHash: 'scrypt$x', nested: { token: 'vgl_x', csrfToken: 'c', sessionId: 's' } });
  const b = log.record(ALICE, 'user.role_change', { type: 'user', id: '2' }, { role: 'viewer' }, { role: 'analyst' });
  assert.equal(a.seq, 1);
  assert.equal(a.prev, '');
  assert.equal(b.prev, a.hash);
  assert.deepEqual(a.after, { username: 'bob', passwordHash: REDACTED, nested: { token: REDACTED, csrfToken: REDACTED, sessionId: REDACTED } });
  const page = log.list({ action: 'user.role_change' });
  assert.equal(page.total, 1);
  assert.deepEqual(page.records[0], b);
  assert.deepEqual(log.verify(), { ok: true, records: 2, head: b.hash });
});

test('the table refuses UPDATE and DELETE', () => {
  const { db, log } = fresh();
  log.record(ALICE, 'x', { type: 't', id: '1' }, null, null);
  assert.throws(() => db.prepare("UPDATE audit_log SET action = 'y'").run(), /append-only/);
  assert.throws(() => db.prepare('DELETE FROM audit_log').run(), /append-only/);
});

test('verify finds an edited row, a deleted row and a row inserted out of order', () => {
  for (const tamper of ['edit', 'delete', 'insert'] as const) {
    const { db, log } = fresh();
    for (let i = 1; i <= 5; i++) log.record(ALICE, 'thing.change', { type: 'thing', id: String(i) }, { n: i - 1 }, { n: i });
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete');
    if (tamper === 'edit') db.prepare('UPDATE audit_log SET after = ? WHERE seq = 3').run('{"n":99}');
    if (tamper === 'delete') db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    if (tamper === 'insert') {
      // A forged row appended with a valid-looking hash but linked to the wrong predecessor.
      const row = db.prepare('SELECT * FROM audit_log WHERE seq = 2').get() as Record<string, unknown>;
      db.prepare(`INSERT INTO audit_log (seq, ts, actor_kind, actor_name, actor_user, action, target_type, target_id, before, after, ip, prev, hash)
        VALUES (6, @ts, @actor_kind, @actor_name, @actor_user, @action, @target_type, @target_id, @before, @after, @ip, @prev, @hash)`).run(row);
    }
    const result = log.verify();
    assert.equal(result.ok, false, tamper);
    const want = { edit: { seq: 3, kind: 'hash' }, delete: { seq: 3, kind: 'gap' }, insert: { seq: 6, kind: 'link' } }[tamper];
    assert.equal(result.broken?.seq, want.seq, tamper);
    assert.equal(result.broken?.kind, want.kind, tamper);
  }
});

test('attacker-sized fields are clipped', () => {
  const { log } = fresh();
  const r = log.record({ kind: 'anonymous', name: 'x'.repeat(10_000) }, 'auth.login_failed', { type: 'user', id: '' }, null, null);
  assert.ok(r.actor.name.length <= 201);
});
