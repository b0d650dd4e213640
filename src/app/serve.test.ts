import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunningVigil } from './start.js';
import { bearer, startTestServer, sysmonProcess, type TestServer } from './testing/kit.js';

const TOKEN = 'test-admin-token-0123456789';
const RULE = `
title: Whoami via Sysmon
id: 11111111-1111-4111-8111-111111111111
author: Vigil tests
level: medium
tags: [attack.discovery, attack.t1033]
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
`;

const sysmonEvent = (image: string, time?: string): Record<string, unknown> =>
  sysmonProcess({ image, commandLine: `${image} /all`, ...(time ? { time } : {}) });

let server: TestServer;
let vigil: RunningVigil;
let dir: string;
const auth = bearer(TOKEN);

before(async () => {
  server = await startTestServer('serve', { adminToken: TOKEN, rules: { 'whoami.yml': RULE }, maxBodyBytes: 1024 * 1024 });
  ({ vigil, dir } = server);
});

after(() => server.close());

test('healthz needs no token; everything else answers 401 without a valid one', async () => {
  assert.equal(vigil.rules.loaded, 1);
  assert.equal((await fetch(`${vigil.url}/healthz`)).status, 200);
  assert.equal((await fetch(`${vigil.url}/api/v1/alerts`)).status, 401);
  assert.equal((await fetch(`${vigil.url}/api/v1/alerts`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
  const r = await fetch(`${vigil.url}/api/v1/events`, { method: 'POST', body: '{}' });
  assert.equal(r.status, 401);
  assert.equal((await fetch(`${vigil.url}/_bulk`, { method: 'POST', body: '{}' })).status, 401);
});

test('an ingested Sysmon event raises an alert; the same rule and host again increments it', async () => {
  const body = JSON.stringify(sysmonEvent('C:\\Windows\\System32\\whoami.exe')) + '\n' + JSON.stringify(sysmonEvent('C:\\Windows\\notepad.exe')) + '\n';
  const r = await fetch(`${vigil.url}/api/v1/events`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' }, body });
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { accepted: 2, rejected: 0, errors: [] });
  await vigil.detection.stage.idle();

  const list = await (await fetch(`${vigil.url}/api/v1/alerts`, { headers: auth })).json() as { total: number; alerts: Array<Record<string, unknown>> };
  assert.equal(list.total, 1);
  const alert = list.alerts[0]!;
  assert.equal(alert['ruleId'], '11111111-1111-4111-8111-111111111111');
  assert.equal(alert['title'], 'Whoami via Sysmon');
  assert.equal(alert['level'], 'medium');
  assert.equal(alert['author'], 'Vigil tests');
  assert.deepEqual(alert['tags'], ['attack.discovery', 'attack.t1033']);
  assert.equal(alert['hostName'], 'ws01.corp.example');
  assert.equal(alert['count'], 1);

  const ev = await fetch(`${vigil.url}/api/v1/events/${String(alert['eventId'])}`, { headers: auth });
  assert.equal(ev.status, 200);
  const stored = await ev.json() as { original: unknown };
  assert.deepEqual((stored.original as { Event: { EventData: unknown } }).Event.EventData, sysmonEvent('C:\\Windows\\System32\\whoami.exe').Event && (sysmonEvent('C:\\Windows\\System32\\whoami.exe')['Event'] as { EventData: unknown }).EventData);

  // JSON array body too.
  const again = await fetch(`${vigil.url}/api/v1/events`, { method: 'POST', headers: auth, body: JSON.stringify([sysmonEvent('C:\\Windows\\System32\\whoami.exe')]) });
  assert.equal(again.status, 200);
  await vigil.detection.stage.idle();
  const one = await (await fetch(`${vigil.url}/api/v1/alerts/${String(alert['id'])}`, { headers: auth })).json() as Record<string, unknown>;
  assert.equal(one['count'], 2);
  assert.equal((await (await fetch(`${vigil.url}/api/v1/alerts`, { headers: auth })).json() as { total: number }).total, 1);

  const patched = await fetch(`${vigil.url}/api/v1/alerts/${String(alert['id'])}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ status: 'acknowledged' }) });
  assert.equal(patched.status, 200);
  assert.equal((await patched.json() as { status: string }).status, 'acknowledged');
  const bad = await fetch(`${vigil.url}/api/v1/alerts/${String(alert['id'])}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ status: 'bogus' }) });
  assert.equal(bad.status, 400);
  const filtered = await (await fetch(`${vigil.url}/api/v1/alerts?status=new`, { headers: auth })).json() as { total: number };
  assert.equal(filtered.total, 0);
  assert.equal((await fetch(`${vigil.url}/api/v1/alerts/999999`, { headers: auth })).status, 404);
});

test('_bulk answers in the Elasticsearch shape, per item', async () => {
  const body = [
    JSON.stringify({ index: { _index: 'winlogbeat-x', _id: 'a1' } }),
    JSON.stringify(sysmonEvent('C:\\Windows\\explorer.exe')),
    JSON.stringify({ create: {} }),
    '{not json',
    JSON.stringify({ delete: { _id: 'zz' } }),
  ].join('\n') + '\n';
  const r = await fetch(`${vigil.url}/logs-test/_bulk`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' }, body });
  assert.equal(r.status, 200);
  const out = await r.json() as { took: number; errors: boolean; items: Array<Record<string, Record<string, unknown>>> };
  assert.equal(typeof out.took, 'number');
  assert.equal(out.errors, true);
  assert.equal(out.items.length, 3);
  assert.equal(out.items[0]!['index']!['status'], 201);
  assert.equal(out.items[0]!['index']!['_id'], 'a1');
  assert.equal(out.items[0]!['index']!['_index'], 'winlogbeat-x');
  assert.equal(out.items[1]!['create']!['status'], 400);
  assert.equal(out.items[1]!['create']!['_index'], 'logs-test');
  assert.equal(out.items[2]!['delete']!['status'], 400);
  const empty = await fetch(`${vigil.url}/_bulk`, { method: 'POST', headers: auth, body: '' });
  assert.equal(empty.status, 400);
});

test('search finds stored events through the hunt language', async () => {
  const r = await fetch(`${vigil.url}/api/v1/search`, { method: 'POST', headers: auth, body: JSON.stringify({ query: 'host.name:"ws01.corp.example" whoami', from: '-1h' }) });
  const out = await r.json() as { kind: string; events: Array<{ id: number; core: Record<string, unknown> }> };
  assert.equal(r.status, 200, JSON.stringify(out));
  assert.equal(out.kind, 'events');
  assert.ok(out.events.length >= 2);
  assert.ok(out.events.every((e) => e.core['host.name'] === 'ws01.corp.example'));
  const bad = await fetch(`${vigil.url}/api/v1/search`, { method: 'POST', headers: auth, body: JSON.stringify({ query: 'a = = b' }) });
  assert.equal(bad.status, 400);
});

test('an oversize body answers 413', async () => {
  const big = JSON.stringify({ message: 'x'.repeat(1024 * 1024 + 10) });
  const r = await fetch(`${vigil.url}/api/v1/events`, { method: 'POST', headers: auth, body: big });
  assert.equal(r.status, 413);
});

test('the real curl binary can ingest and read alerts', async (t) => {
  const run = promisify(execFile);
  try {
    await run('curl', ['--version']);
  } catch {
    t.skip('curl not installed');
    return;
  }
  const { stdout } = await run('curl', ['-sS', '-X', 'POST', '-H', `Authorization: Bearer ${TOKEN}`, '-H', 'Content-Type: application/x-ndjson',
    '--data-binary', JSON.stringify(sysmonEvent('C:\\Tools\\whoami.exe')), `${vigil.url}/api/v1/events`]);
  assert.deepEqual(JSON.parse(stdout), { accepted: 1, rejected: 0, errors: [] });
  const code = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${vigil.url}/api/v1/alerts`]);
  assert.equal(code.stdout, '401');
});

test('POST /api/v1/rules/reload picks up a new rule without a restart; a broken file is reported', async () => {
  writeFileSync(join(dir, 'rules', 'notepad.yml'), RULE.replace('11111111-1111-4111-8111-111111111111', '44444444-4444-4444-8444-444444444444').replace('Whoami via Sysmon', 'Notepad via Sysmon').replace('whoami.exe', 'notepad.exe'));
  writeFileSync(join(dir, 'rules', 'broken.yml'), 'title: broken\ndetection: [\n');
  assert.equal((await fetch(`${vigil.url}/api/v1/rules/reload`, { method: 'POST' })).status, 401);
  const r = await fetch(`${vigil.url}/api/v1/rules/reload`, { method: 'POST', headers: auth });
  assert.equal(r.status, 200);
  const report = await r.json() as { loaded: number; applied: boolean; errors: { file: string; line?: number }[] };
  assert.equal(report.loaded, 2);
  assert.equal(report.applied, true);
  assert.equal(report.errors.length, 1);
  assert.match(report.errors[0]!.file, /broken\.yml$/);
  assert.ok(report.errors[0]!.line);
  await fetch(`${vigil.url}/api/v1/events`, { method: 'POST', headers: auth, body: JSON.stringify(sysmonEvent('C:\\Windows\\notepad.exe')) });
  await vigil.detection.stage.idle();
  const list = await (await fetch(`${vigil.url}/api/v1/alerts?limit=500`, { headers: auth })).json() as { alerts: { ruleId: string }[] };
  assert.ok(list.alerts.some((a) => a.ruleId === '44444444-4444-4444-8444-444444444444'));
  rmSync(join(dir, 'rules', 'broken.yml'));
});

test('a body sent twice with the same Idempotency-Key is stored once and answers the same', async () => {
  const body = JSON.stringify({ message: 'idempotent-once event', host: { name: 'idem-host' } }) + '\n';
  const headers = { ...auth, 'content-type': 'application/x-ndjson', 'idempotency-key': 'batch-42' };
  const a = await (await fetch(`${vigil.url}/api/v1/events`, { method: 'POST', headers, body })).json();
  const b = await (await fetch(`${vigil.url}/api/v1/events`, { method: 'POST', headers, body })).json();
  assert.deepEqual(a, { accepted: 1, rejected: 0, errors: [] });
  assert.deepEqual(b, a);
  const r = await fetch(`${vigil.url}/api/v1/search`, { method: 'POST', headers: auth, body: JSON.stringify({ query: 'message:"idempotent-once event" | stats count()' }) });
  const out = await r.json() as { rows: { count: number }[] };
  assert.equal(out.rows[0]?.count, 1);
});

test('Elastic shippers\' handshake: GET / and GET /_license answer as Elasticsearch 8 with the product header', async () => {
  assert.equal((await fetch(`${vigil.url}/`)).status, 401);
  const root = await fetch(`${vigil.url}/`, { headers: auth });
  assert.equal(root.status, 200);
  assert.equal(root.headers.get('x-elastic-product'), 'Elasticsearch');
  const info = await root.json() as { version: { number: string }; tagline: string };
  assert.match(info.version.number, /^8\./);
  const lic = await (await fetch(`${vigil.url}/_license`, { headers: auth })).json() as { license: { status: string } };
  assert.equal(lic.license.status, 'active');
  const bulk = await fetch(`${vigil.url}/_bulk`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' }, body: '{"create":{"_index":"winlogbeat-8"}}\n{"message":"hello"}\n' });
  assert.equal(bulk.headers.get('x-elastic-product'), 'Elasticsearch');
});

test('NDJSON lines and _bulk source lines are stored as sent (raw), and read back as the same objects', async () => {
  const line = JSON.stringify(sysmonEvent('C:\\Windows\\System32\\hostname.exe')).replace('"EventRecordID":1000', '"EventRecordID":1000,"EventRecordID":1.0e3');
  const post = await fetch(`${vigil.url}/api/v1/events`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' }, body: `\n${line}\r\n` });
  assert.equal(post.status, 200);
  const bulkLine = `{ "message": "from bulk",  "tag": "raw-bulk" }`;
  const bulk = await fetch(`${vigil.url}/logs-raw/_bulk`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' }, body: `{"index":{}}\n${bulkLine}\n` });
  const bulkId = Number(((await bulk.json()) as { items: Array<{ index: { _id: string } }> }).items[0]!.index._id);
  const events = vigil.stores.events;
  const search = async (query: string): Promise<Array<{ id: number; original: Record<string, unknown> }>> =>
    ((await (await fetch(`${vigil.url}/api/v1/search`, { method: 'POST', headers: auth, body: JSON.stringify({ query, from: '-1h' }) })).json()) as { events: Array<{ id: number; original: Record<string, unknown> }> }).events;
  const [hostname] = await search('hostname.exe');
  assert.ok(hostname, 'the NDJSON event is found');
  assert.deepEqual(events.getEvent(hostname.id)?.original, JSON.parse(line));
  assert.deepEqual(events.getEvent(bulkId)?.original, { message: 'from bulk', tag: 'raw-bulk' });
});
