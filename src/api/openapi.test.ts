/** The OpenAPI document served by a running Vigil: structure, every route present, every path parameter declared. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVigil, type RunningVigil } from '../app/start.js';
import { openApiPath } from './openapi.js';

let dir: string;
let vigil: RunningVigil;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-openapi-'));
  vigil = await startVigil({ dataDir: join(dir, 'data'), port: 0, rules: [join(dir, 'no-rules')], env: { VIGIL_ADMIN_TOKEN: 'openapi-admin-token-0123456789' }, log: () => {}, print: () => {} });
});

after(async () => {
  await vigil.close();
  rmSync(dir, { recursive: true, force: true });
});

// The document is walked field by field; the assertions are the type checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

test('GET /api/openapi.json is public and describes every route', async () => {
  const res = await fetch(`${vigil.url}/api/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const doc = await res.json() as Doc;
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(typeof doc.info.title, 'string');
  assert.equal(typeof doc.info.version, 'string');
  assert.deepEqual(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer', description: doc.components.securitySchemes.bearer.description });
  assert.equal(doc.components.securitySchemes.session.in, 'cookie');
  assert.deepEqual(doc.security, [{ bearer: [] }, { session: [] }]);

  const routes = vigil.server.routes();
  let operations = 0;
  for (const ops of Object.values(doc.paths) as Doc[]) operations += Object.keys(ops).length;
  assert.equal(operations, routes.length, 'one operation per route, no extras');
  const ids = new Set<string>();
  for (const route of routes) {
    const { path, params } = openApiPath(route.path);
    assert.ok(!path.includes(':'), path);
    const op = doc.paths[path]?.[route.method.toLowerCase()];
    assert.ok(op, `${route.method} ${route.path} is in the document as ${path}`);
    assert.equal(op.summary, route.summary);
    assert.equal(op['x-vigil-permission'], route.permission);
    assert.ok(!ids.has(op.operationId), `operationId ${op.operationId} is unique`);
    ids.add(op.operationId);
    const declared = (op.parameters ?? []).filter((p: Doc) => p.in === 'path');
    assert.deepEqual(declared.map((p: Doc) => p.name), params, `${path}: every path parameter declared, in order`);
    for (const p of declared) assert.equal(p.required, true);
    for (const name of path.match(/\{(\w+)\}/g) ?? []) assert.ok(params.includes(name.slice(1, -1)));
    for (const p of op.parameters ?? []) assert.ok(['path', 'query'].includes(p.in) && typeof p.schema === 'object', `${path} ${p.name}`);
    assert.ok(Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)), `${path} has a success response`);
    if (route.permission === 'public') assert.deepEqual(op.security, []);
    else assert.ok(op.responses['401'] && op.responses['403'], `${path}: 401 and 403 documented`);
  }
});

test('schemas are present for ingest, search, alerts, cases, suppressions and exceptions', async () => {
  const doc = await (await fetch(`${vigil.url}/api/openapi.json`)).json() as Doc;
  const body = (p: string, m: string): Doc => doc.paths[p][m].requestBody?.content['application/json'].schema;
  const ok = (p: string, m: string, status = '200'): Doc => doc.paths[p][m].responses[status].content?.['application/json']?.schema;
  assert.ok(body('/api/v1/events', 'post'));
  assert.ok(ok('/api/v1/events', 'post').properties.accepted);
  assert.deepEqual(body('/api/v1/search', 'post').required, ['query']);
  assert.ok(doc.paths['/api/v1/alerts'].get.parameters.some((p: Doc) => p.name === 'status' && p.in === 'query'));
  assert.ok(ok('/api/v1/alerts/{id}', 'get').properties.ruleId);
  assert.ok(body('/api/v1/cases', 'post').properties.severity.enum.includes('critical'));
  assert.ok(ok('/api/v1/cases', 'post', '201'));
  assert.deepEqual(body('/api/v1/suppressions', 'post').required, ['expires', 'reason']);
  assert.ok(ok('/api/v1/suppressions/{id}', 'get').properties.hits);
  const ex = body('/api/v1/rules/{id}/exceptions', 'post');
  assert.ok(ex.properties.conditions.items.properties.op.enum.includes('cidr'));
  assert.ok(ok('/api/v1/rules/{id}/exceptions/backtest', 'post').properties.alertsHidden);
  assert.equal(doc.paths['/api/v1/rules/{id}/exceptions/{exceptionId}'].patch['x-vigil-permission'], 'tuning:write');
});

test('GET /api/docs serves a self-contained viewer (no external resources, locked-down CSP)', async () => {
  const res = await fetch(`${vigil.url}/api/docs`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'sha256-/);
  const html = await res.text();
  assert.match(html, /openapi\.json/);
  assert.doesNotMatch(html, /(src|href)="https?:/, 'nothing is loaded from elsewhere');
  assert.doesNotMatch(html, /innerHTML/, 'document text is inserted as text');
});
