/**
 * Walks every registered route for every role over real HTTP: no route without an explicit permission,
 * 401 without credentials on everything but the public routes, and 403 (api.forbidden) exactly where the
 * role lacks the route's permission, for API tokens and for console sessions.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken } from '../api/auth.js';
import { PERMISSIONS, ROLES, USER_ROLES, roleAllows, type Role } from '../api/permissions.js';
import type { RouteDef } from '../api/router.js';
import type { RunningVigil } from './start.js';
import { startTestServer, type TestServer } from './testing/kit.js';

// Splunk's HEC health endpoint is unauthenticated: load balancers probe it without a token.
const PUBLIC = [
  'GET /healthz', 'POST /api/v1/auth/login', 'GET /services/collector/health', 'GET /services/collector/health/1.0',
  'GET /api/openapi.json', 'GET /api/docs',
];
const PASSWORD = 'matrix password 123';

let server: TestServer;
let vigil: RunningVigil;
const tokens = new Map<Role, string>();

before(async () => {
  server = await startTestServer('matrix', { adminToken: 'matrix-admin-token-0123456789' });
  vigil = server.vigil;
  for (const role of ROLES) {
    const token = `matrix-${role}-token-0123456789`;
    vigil.stores.tokens.add({ name: `t-${role}`, hash: hashToken(token), role, kind: role === 'ingest' ? 'ingest' : 'token' });
    tokens.set(role, token);
  }
  for (const role of USER_ROLES) {
    await vigil.identity.users.create({ actor: { kind: 'system', name: 'test' }, role: 'admin' }, { username: `u-${role}`, role, password: PASSWORD });
  }
});

after(() => server.close());

function concrete(route: RouteDef): string {
  return route.path.replace(/:id\b/g, '999999').replace(/:(\w+)/g, 'x');
}

async function call(route: RouteDef, headers: Record<string, string>): Promise<{ status: number; code: string | undefined }> {
  const init: RequestInit = { method: route.method, headers: { ...headers } };
  if (route.method !== 'GET') {
    init.body = '{}';
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(`${vigil.url}${concrete(route)}`, init);
  const text = await res.text();
  let code: string | undefined;
  try { code = (JSON.parse(text) as { error?: { code?: string } }).error?.code; } catch { /* not JSON (HEC shapes) */ }
  return { status: res.status, code };
}

test('every route names a known permission; only healthz, login, HEC health and the API docs are public', () => {
  const routes = vigil.server.routes();
  assert.ok(routes.length >= 20, `only ${routes.length} routes registered`);
  for (const r of routes) {
    assert.ok(r.permission === 'public' || (PERMISSIONS as readonly string[]).includes(r.permission), `${r.method} ${r.path}: '${r.permission}'`);
  }
  assert.deepEqual(routes.filter((r) => r.permission === 'public').map((r) => `${r.method} ${r.path}`).sort(), [...PUBLIC].sort());
});

test('without credentials every non-public route answers 401', async () => {
  for (const route of vigil.server.routes()) {
    if (route.permission === 'public') continue;
    const { status } = await call(route, {});
    assert.equal(status, 401, `${route.method} ${route.path}`);
  }
});

test('API tokens: each role gets 403 exactly on the routes whose permission it lacks', async () => {
  for (const role of ROLES) {
    for (const route of vigil.server.routes()) {
      if (route.permission === 'public') continue;
      const { status, code } = await call(route, { authorization: `Bearer ${tokens.get(role)}` });
      const where = `${role}: ${route.method} ${route.path} -> ${status} ${code}`;
      if (roleAllows(role, route.permission)) {
        assert.notEqual(status, 401, where);
        assert.notEqual(code, 'api.forbidden', where);
      } else {
        assert.equal(status, 403, where);
        assert.equal(code, 'api.forbidden', where);
      }
    }
  }
});

test('sessions: the same matrix for every user role (unsafe methods with the CSRF token)', async () => {
  for (const role of USER_ROLES) {
    const login = await fetch(`${vigil.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `u-${role}`, password: PASSWORD }),
    });
    assert.equal(login.status, 200, role);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = await login.json() as { csrfToken: string };
    for (const route of vigil.server.routes()) {
      // Logging out would end the session the walk runs on; logout has its own test.
      if (route.permission === 'public' || route.path === '/api/v1/auth/logout') continue;
      const { status, code } = await call(route, { cookie, 'x-csrf-token': csrfToken });
      const where = `${role} session: ${route.method} ${route.path} -> ${status} ${code}`;
      if (roleAllows(role, route.permission)) {
        assert.notEqual(status, 401, where);
        assert.notEqual(code, 'api.forbidden', where);
        assert.notEqual(code, 'api.csrf', where);
      } else {
        assert.equal(code, 'api.forbidden', where);
      }
    }
  }
});
