/** Console identity over real HTTP: login, cookies, CSRF, rate limits, role changes, tokens, audit and `vigil audit verify`. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { startVigil, type RunningVigil } from './start.js';
import { startTestServer } from './testing/kit.js';

const ADMIN = 'identity-admin-token-0123456789';
const BIN = fileURLToPath(new URL('../../../bin/vigil.js', import.meta.url));
const PW = 'alice password 1234';

let dir: string;
let vigil: RunningVigil;
const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

before(async () => {
  ({ vigil, dir } = await startTestServer('identity', { adminToken: ADMIN }));
});

after(async () => {
  // The audit test restarts the server on the same folder: close whichever one is running.
  await vigil.close();
  rmSync(dir, { recursive: true, force: true });
});

async function api(path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${vigil.url}${path}`, {
    method: init.method ?? 'GET', headers: init.headers ?? {},
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) as Record<string, unknown> : {}, headers: res.headers };
}

interface Session { cookie: string; csrf: string; setCookie: string }

async function login(username: string, password: string): Promise<Session & { status: number }> {
  const r = await api('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: { username, password } });
  const setCookie = r.headers.get('set-cookie') ?? '';
  return { status: r.status, setCookie, cookie: setCookie.split(';')[0]!, csrf: String(r.body['csrfToken'] ?? '') };
}

let aliceId: number;

test('admin creates a user; login sets an HttpOnly SameSite=Strict cookie; /auth/me answers with the CSRF token', async () => {
  const made = await api('/api/v1/users', { method: 'POST', headers: admin, body: { username: 'alice', role: 'analyst', password: PW } });
  assert.equal(made.status, 201);
  assert.equal(made.body['passwordHash'], undefined);
  aliceId = made.body['id'] as number;
  assert.equal((await api('/api/v1/users', { method: 'POST', headers: admin, body: { username: 'ALICE', role: 'analyst', password: PW } })).status, 409);
  assert.equal((await api('/api/v1/users', { method: 'POST', headers: admin, body: { username: 'bob', role: 'root', password: PW } })).status, 400);

  assert.equal((await login('alice', 'wrong password 1234')).status, 401);
  assert.equal((await login('nobody', PW)).status, 401);
  const s = await login('alice', PW);
  assert.equal(s.status, 200);
  assert.match(s.setCookie, /^vigil_session=[A-Za-z0-9_-]{43}; /);
  const attrs = s.setCookie.split('; ').slice(1);
  assert.ok(attrs.includes('HttpOnly'));
  assert.ok(attrs.includes('SameSite=Strict'));
  assert.ok(attrs.includes('Path=/'));
  assert.ok(attrs.some((a) => /^Max-Age=\d+$/.test(a)));
  assert.ok(!attrs.includes('Secure'), 'plain HTTP without the flag');

  const me = await api('/api/v1/auth/me', { headers: { cookie: s.cookie } });
  assert.equal(me.status, 200);
  assert.deepEqual(me.body['user'], { id: aliceId, username: 'alice' });
  assert.equal(me.body['role'], 'analyst');
  assert.equal(me.body['csrfToken'], s.csrf);

  const form = await fetch(`${vigil.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=alice' });
  assert.equal(form.status, 415);
});

test('cookie-authenticated unsafe requests need the X-CSRF-Token; bearer requests do not', async () => {
  const s = await login('alice', PW);
  const none = await api('/api/v1/alerts/999', { method: 'PATCH', headers: { cookie: s.cookie, 'content-type': 'application/json' }, body: { status: 'closed' } });
  assert.equal(none.status, 403);
  assert.equal((none.body['error'] as { code: string }).code, 'api.csrf');
  const wrong = await api('/api/v1/alerts/999', { method: 'PATCH', headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(43) }, body: { status: 'closed' } });
  assert.equal((wrong.body['error'] as { code: string }).code, 'api.csrf');
  const other = await login('alice', PW);
  const crossed = await api('/api/v1/alerts/999', { method: 'PATCH', headers: { cookie: s.cookie, 'x-csrf-token': other.csrf }, body: { status: 'closed' } });
  assert.equal((crossed.body['error'] as { code: string }).code, 'api.csrf', 'another session\'s token does not fit');
  const ok = await api('/api/v1/alerts/999', { method: 'PATCH', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, body: { status: 'closed' } });
  assert.equal(ok.status, 404, 'past CSRF and permission checks');
  assert.equal((await api('/api/v1/alerts/999', { method: 'PATCH', headers: admin, body: { status: 'closed' } })).status, 404);
  assert.equal((await api('/api/v1/alerts', { headers: { cookie: s.cookie } })).status, 200, 'safe methods need no token');
});

test('role changes take effect on the running session; disabling ends it', async () => {
  const s = await login('alice', PW);
  assert.equal((await api('/api/v1/users', { headers: { cookie: s.cookie } })).status, 403);
  assert.equal((await api(`/api/v1/users/${aliceId}`, { method: 'PATCH', headers: admin, body: { role: 'admin' } })).status, 200);
  assert.equal((await api('/api/v1/users', { headers: { cookie: s.cookie } })).status, 200);
  const self = await api(`/api/v1/users/${aliceId}`, { method: 'PATCH', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, body: { role: 'viewer' } });
  assert.equal(self.status, 403, 'nobody demotes themselves');
  assert.equal((await api(`/api/v1/users/${aliceId}`, { method: 'PATCH', headers: admin, body: { role: 'viewer' } })).status, 200);
  const patch = await api('/api/v1/alerts/999', { method: 'PATCH', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, body: { status: 'closed' } });
  assert.equal((patch.body['error'] as { code: string }).code, 'api.forbidden');
  assert.equal((await api(`/api/v1/users/${aliceId}`, { method: 'PATCH', headers: admin, body: { disabled: true } })).status, 200);
  assert.equal((await api('/api/v1/auth/me', { headers: { cookie: s.cookie } })).status, 401);
  assert.equal((await login('alice', PW)).status, 401, 'disabled users cannot log in');
  assert.equal((await api(`/api/v1/users/${aliceId}`, { method: 'PATCH', headers: admin, body: { disabled: false, role: 'analyst' } })).status, 200);
});

test('API tokens: scoped to no more than the creator, shown once, revocable', async () => {
  const s = await login('alice', PW);
  const h = { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' };
  assert.equal((await api('/api/v1/tokens', { method: 'POST', headers: h, body: { name: 'too-much', role: 'admin' } })).status, 403);
  const made = await api('/api/v1/tokens', { method: 'POST', headers: h, body: { name: 'ci', role: 'viewer', expiresInDays: 7 } });
  assert.equal(made.status, 201);
  const token = made.body['token'] as string;
  assert.match(token, /^vgl_/);
  assert.equal(made.body['owner'], aliceId);
  const bearer = { authorization: `Bearer ${token}` };
  assert.equal((await api('/api/v1/alerts', { headers: bearer })).status, 200);
  assert.equal((await api('/api/v1/alerts/1', { method: 'PATCH', headers: bearer, body: { status: 'closed' } })).status, 403);
  const me = await api('/api/v1/auth/me', { headers: bearer });
  assert.deepEqual([me.body['kind'], me.body['role'], me.body['csrfToken']], ['token', 'viewer', undefined]);
  const mine = await api('/api/v1/tokens', { headers: { cookie: s.cookie } });
  assert.deepEqual((mine.body['tokens'] as { name: string }[]).map((t) => t.name), ['ci']);
  assert.ok(!JSON.stringify(mine.body).includes(token));
  const id = made.body['id'] as string;
  assert.equal((await api(`/api/v1/tokens/${id}`, { method: 'DELETE', headers: h })).status, 200);
  assert.equal((await api('/api/v1/alerts', { headers: bearer })).status, 401);
});

test('own password change needs the current one and ends other sessions', async () => {
  const a = await login('alice', PW);
  const b = await login('alice', PW);
  const h = { cookie: a.cookie, 'x-csrf-token': a.csrf, 'content-type': 'application/json' };
  assert.equal((await api('/api/v1/auth/password', { method: 'PUT', headers: h, body: { current: 'not it at all', password: 'alice new password 1' } })).status, 403);
  assert.equal((await api('/api/v1/auth/password', { method: 'PUT', headers: h, body: { current: PW, password: 'alice new password 1' } })).status, 200);
  assert.equal((await api('/api/v1/auth/me', { headers: { cookie: a.cookie } })).status, 200);
  assert.equal((await api('/api/v1/auth/me', { headers: { cookie: b.cookie } })).status, 401);
  assert.equal((await login('alice', PW)).status, 401);
  assert.equal((await api(`/api/v1/users/${aliceId}/password`, { method: 'POST', headers: admin, body: { password: PW } })).status, 200);
  assert.equal((await api('/api/v1/auth/me', { headers: { cookie: a.cookie } })).status, 401, 'a reset ends every session');
});

test('logout clears the cookie and ends the session', async () => {
  const s = await login('alice', PW);
  const out = await fetch(`${vigil.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie') ?? '', /^vigil_session=; .*Max-Age=0/);
  assert.equal((await api('/api/v1/auth/me', { headers: { cookie: s.cookie } })).status, 401);
});

test('the audit log records logins, failures, logout, user, role and token changes, and no secrets', async () => {
  const s = await login('alice', PW);
  const page = await api('/api/v1/audit?limit=500', { headers: admin });
  assert.equal(page.status, 200);
  const records = page.body['records'] as { action: string; actor: { name: string }; before: unknown; after: unknown }[];
  const actions = new Set(records.map((r) => r.action));
  for (const a of ['user.create', 'auth.login', 'auth.login_failed', 'auth.logout', 'user.role_change', 'user.disable', 'token.create', 'token.revoke', 'user.password_change', 'user.password_reset']) {
    assert.ok(actions.has(a), `missing ${a}`);
  }
  const role = records.find((r) => r.action === 'user.role_change')!;
  assert.ok(role.before && role.after);
  const text = JSON.stringify(records);
  for (const secret of [PW, 'alice new password 1', s.cookie.split('=')[1]!, s.csrf, 'scrypt$']) assert.ok(!text.includes(secret), `leaked ${secret.slice(0, 8)}`);
  const filtered = await api('/api/v1/audit?action=auth.login_failed', { headers: admin });
  assert.ok((filtered.body['records'] as { action: string }[]).every((r) => r.action === 'auth.login_failed'));
  assert.equal((await api('/api/v1/audit', { headers: { cookie: s.cookie } })).status, 403, 'analysts do not read the audit log');
  assert.equal((await api('/api/v1/audit?from=yesterday', { headers: admin })).status, 400);
});

test('vigil audit verify passes, then fails with the row number after an edit and after a deletion', async () => {
  const run = promisify(execFile);
  const data = join(dir, 'data');
  const verify = (): Promise<{ code: number; out: string }> => run(process.execPath, [BIN, 'audit', 'verify', '--data', data])
    .then((r) => ({ code: 0, out: r.stdout }), (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }));
  const good = await verify();
  assert.equal(good.code, 0, good.out);
  assert.match(good.out, /audit log ok: \d+ records/);

  await vigil.close();
  const db = new Database(join(data, 'vigil.db'));
  assert.throws(() => db.prepare("UPDATE audit_log SET action = 'x' WHERE seq = 3").run(), /append-only/);
  db.exec('DROP TRIGGER audit_log_no_update');
  const original = (db.prepare('SELECT after FROM audit_log WHERE seq = 3').get() as { after: string }).after;
  db.prepare('UPDATE audit_log SET after = ? WHERE seq = 3').run('{"role":"admin"}');
  db.close();
  const edited = await verify();
  assert.equal(edited.code, 1);
  assert.match(edited.out, /BROKEN at row 3\b.*edited/);

  const db2 = new Database(join(data, 'vigil.db'));
  db2.exec('DROP TRIGGER audit_log_no_update');
  db2.prepare('UPDATE audit_log SET after = ? WHERE seq = 3').run(original);
  db2.exec('DROP TRIGGER audit_log_no_delete');
  db2.prepare('DELETE FROM audit_log WHERE seq = 5').run();
  db2.close();
  const deleted = await verify();
  assert.equal(deleted.code, 1);
  assert.match(deleted.out, /BROKEN at row 6\b.*expected row 5/);
  vigil = await startVigil({ dataDir: data, port: 0, rules: [join(dir, 'no-rules')], env: { VIGIL_ADMIN_TOKEN: ADMIN }, log: () => {}, print: () => {} });
});

test('login rate limit: per username, then per client address; 429 with Retry-After even for the right password', async () => {
  const d = mkdtempSync(join(tmpdir(), 'vigil-limit-'));
  const v = await startVigil({
    dataDir: d, port: 0, rules: [join(d, 'no-rules')], env: { VIGIL_ADMIN_TOKEN: ADMIN }, log: () => {}, print: () => {},
    session: { perUser: { max: 3, windowMs: 900_000 }, perAddress: { max: 6, windowMs: 900_000 } },
  });
  try {
    const post = (username: string, password: string): Promise<Response> => fetch(`${v.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
    });
    for (const name of ['carol', 'dave']) {
      await v.identity.users.create({ actor: { kind: 'system', name: 'test' }, role: 'admin' }, { username: name, role: 'viewer', password: PW });
    }
    for (let i = 0; i < 3; i++) assert.equal((await post('carol', 'wrong password ' + i)).status, 401);
    const locked = await post('carol', PW);
    assert.equal(locked.status, 429);
    const after = Number(locked.headers.get('retry-after'));
    assert.ok(after > 0 && after <= 900, `Retry-After ${after}`);
    assert.equal((await post('dave', PW)).status, 200, 'another user is not locked by carol');
    for (let i = 0; i < 3; i++) assert.equal((await post(`ghost${i}`, 'wrong password')).status, 401);
    assert.equal((await post('dave', PW)).status, 429, 'the address is now locked for everyone');
    const audit = v.audit.list({ action: 'auth.locked' });
    assert.ok(audit.total >= 1);
  } finally {
    await v.close();
    rmSync(d, { recursive: true, force: true });
  }
});
