import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, sendError, sendJson } from './http.js';
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES } from './permissions.js';
import { Router, type Principal } from './router.js';

const PRINCIPALS: Record<string, Principal> = {
  admin: { name: 'a', role: 'admin', kind: 'token' },
  ship: { name: 's', role: 'ingest', kind: 'ingest' },
};

async function serve(router: Router): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    router.dispatch({ req, res, url, body: () => Promise.resolve(Buffer.alloc(0)) }).catch((err: unknown) => {
      if (err instanceof HttpError) sendError(res, err.status, err.code, err.message);
      else sendError(res, 500, 'x', String(err));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test('routes: params decoded, 401 without credentials, 403 without the permission, 404 and 405', async () => {
  const router = new Router((req) => PRINCIPALS[String(req.headers['x-who'])]);
  router.add(
    { method: 'GET', path: '/open', permission: 'public', summary: 'open', handler: ({ res }) => sendJson(res, 200, { ok: true }) },
    { method: 'GET', path: '/things/:id', permission: 'alerts:read', summary: 'get', handler: ({ res, params, principal }) => sendJson(res, 200, { id: params['id'], who: principal?.name }) },
  );
  const { url, server } = await serve(router);
  try {
    assert.equal((await fetch(`${url}/open`)).status, 200);
    assert.equal((await fetch(`${url}/things/1`)).status, 401);
    assert.equal((await fetch(`${url}/things/1`, { headers: { 'x-who': 'ship' } })).status, 403);
    const ok = await fetch(`${url}/things/a%20b`, { headers: { 'x-who': 'admin' } });
    assert.deepEqual(await ok.json(), { id: 'a b', who: 'a' });
    assert.equal((await fetch(`${url}/things/%E0%A4%A`, { headers: { 'x-who': 'admin' } })).status, 400);
    assert.equal((await fetch(`${url}/things/1`, { method: 'POST', headers: { 'x-who': 'admin' } })).status, 405);
    assert.equal((await fetch(`${url}/nope`)).status, 404);
    assert.equal(router.list().length, 2);
  } finally {
    server.close();
  }
});

test('the role table: admin has every permission, ingest only ingests, every role is defined', () => {
  assert.deepEqual([...ROLE_PERMISSIONS.admin], [...PERMISSIONS]);
  assert.deepEqual([...ROLE_PERMISSIONS.ingest], ['events:ingest']);
  for (const role of ROLES) assert.ok(ROLE_PERMISSIONS[role].every((p) => PERMISSIONS.includes(p)), role);
});
