import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuditLog } from '../audit/log.js';
import { isRole, roleCovers, USER_ROLES } from '../api/permissions.js';
import { openSqliteStores } from '../storage/sqlite/index.js';
import { createIdentity, csrfMatches, csrfToken, FailureLimiter, hashPassword, verifyPassword } from './index.js';

const SYSTEM = { actor: { kind: 'system', name: 'test' }, role: 'admin' };
const POLICY = { isRole, userRoles: USER_ROLES, covers: roleCovers };

function setup(options = {}): { clock: { t: number }; stores: ReturnType<typeof openSqliteStores>; identity: ReturnType<typeof createIdentity> } {
  const clock = { t: 1_000_000 };
  const stores = openSqliteStores(':memory:');
  const audit = new AuditLog(stores.audit, () => clock.t);
  const identity = createIdentity({ users: stores.users, sessions: stores.sessions, tokens: stores.tokens, audit, policy: POLICY, now: () => clock.t }, options);
  return { clock, stores, identity };
}

test('scrypt hashes carry their parameters and salt; verification is exact', async () => {
  const a = await hashPassword('correct horse battery');
  const b = await hashPassword('correct horse battery');
  assert.match(a, /^scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.notEqual(a, b);
  assert.equal(await verifyPassword('correct horse battery', a), true);
  assert.equal(await verifyPassword('correct horse batterz', a), false);
  assert.equal(await verifyPassword('correct horse battery', a.replace('ln=15', 'ln=40')), false);
  assert.equal(await verifyPassword('x', 'not a hash'), false);
  await assert.rejects(hashPassword('short'), /at least 12/);
});

test('sessions end after the idle timeout and after the absolute lifetime', async () => {
  const { clock, stores, identity } = setup({ idleMs: 60_000, absoluteMs: 300_000 });
  await identity.users.create(SYSTEM, { username: 'alice', role: 'analyst', password: 'correct horse battery' });
  const r = await identity.sessions.login('alice', 'correct horse battery', '127.0.0.1');
  assert.ok(r.ok);
  const id = r.grant.id;
  assert.equal(stores.sessions.get(id), undefined, 'the session id itself is not stored');
  for (let i = 0; i < 5; i++) {
    clock.t += 50_000;
    assert.ok(identity.sessions.resolve(id), `still alive at step ${i}`);
  }
  clock.t += 50_000;
  assert.equal(identity.sessions.resolve(id), undefined, 'absolute lifetime reached');

  const r2 = await identity.sessions.login('alice', 'correct horse battery', '127.0.0.1');
  assert.ok(r2.ok);
  clock.t += 61_000;
  assert.equal(identity.sessions.resolve(r2.grant.id), undefined, 'idle');
  stores.close();
});

test('the CSRF token belongs to its session', () => {
  assert.equal(csrfMatches('session-a', csrfToken('session-a')), true);
  assert.equal(csrfMatches('session-b', csrfToken('session-a')), false);
  assert.equal(csrfMatches('session-a', undefined), false);
});

test('failure limiter: locks after max failures in the window, unlocks as they age out, bounded keys', () => {
  const l = new FailureLimiter({ max: 3, windowMs: 1000, maxKeys: 10 });
  l.fail('u', 0); l.fail('u', 100);
  assert.equal(l.retryAfter('u', 200), 0);
  l.fail('u', 200);
  assert.equal(l.retryAfter('u', 300), 1);
  assert.equal(l.retryAfter('u', 1001), 0);
  for (let i = 0; i < 100; i++) l.fail(`k${i}`, 500);
  assert.ok((l as unknown as { failures: Map<string, number[]> }).failures.size <= 11);
});

test('tokens: no higher than the creator, expiring, dead when the owner no longer covers them', async () => {
  const { clock, stores, identity } = setup();
  const alice = await identity.users.create(SYSTEM, { username: 'alice', role: 'analyst', password: 'correct horse battery' });
  for (const u of [alice, ...identity.users.list(), identity.users.get(alice.id), identity.users.update(SYSTEM, alice.id, { disabled: false })]) {
    assert.equal('passwordHash' in u, false, 'no password hash leaves the user service');
  }
  const as = { actor: { kind: 'user', name: 'alice', userId: alice.id }, role: 'analyst', userId: alice.id };
  assert.throws(() => identity.tokens.create(as, { name: 'x', role: 'admin' }), /cannot create a token with role 'admin'/);
  assert.throws(() => identity.tokens.create(as, { name: 'x', role: 'ingest' }), /cannot create/);
  assert.throws(() => identity.tokens.create(as, { name: 'x', role: 'viewer', expiresInDays: 1000 }), /expiresInDays/);
  const made = identity.tokens.create(as, { name: 'ci', role: 'analyst', expiresInDays: 1 });
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256').update(made.token).digest('hex');
  assert.equal(identity.tokens.resolve(hash)?.owner?.username, 'alice');
  identity.users.update(SYSTEM, alice.id, { role: 'viewer' });
  assert.equal(identity.tokens.resolve(hash), undefined, 'owner demoted below the token');
  identity.users.update(SYSTEM, alice.id, { role: 'analyst' });
  assert.ok(identity.tokens.resolve(hash));
  clock.t += 86_400_000;
  assert.equal(identity.tokens.resolve(hash), undefined, 'expired');
  stores.close();
});

test('a change whose audit record cannot be written is rolled back', async () => {
  const stores = openSqliteStores(':memory:');
  const failing = new AuditLog({ ...stores.audit, append: () => { throw new Error('disk full'); }, list: () => ({ total: 0, records: [] }), scan: () => [] });
  const identity = createIdentity({ users: stores.users, sessions: stores.sessions, tokens: stores.tokens, audit: failing, policy: POLICY, transaction: stores.transaction });
  await assert.rejects(identity.users.create(SYSTEM, { username: 'alice', role: 'analyst', password: 'correct horse battery' }), /disk full/);
  assert.equal(stores.users.count(), 0);
  stores.close();
});
