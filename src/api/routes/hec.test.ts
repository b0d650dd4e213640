import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { startVigil, type RunningVigil } from '../../app/start.js';
import { hashToken } from '../auth.js';
import { OverloadedError, type IngestSink } from '../../ingest/types.js';
import { createApiServer } from '../server.js';

const run = promisify(execFile);
const ADMIN = 'hec-test-admin-token-0123456789';
const EVE = { timestamp: '2024-03-01T10:00:00.000000+0000', event_type: 'alert', src_ip: '10.0.0.5', src_port: 4444, dest_ip: '10.0.0.9', dest_port: 80, proto: 'TCP', alert: { signature_id: 2000001, signature: 'ET TEST', action: 'allowed' } };

let dir: string;
let vigil: RunningVigil;
let db: Database.Database;
let ingestToken: string;
let haveCurl = true;

interface Reply { status: number; body: string; json: () => unknown }

/** The real curl binary; the body goes through a file so bytes (gzip) arrive unchanged. */
async function curl(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; url?: string } = {}): Promise<Reply> {
  const args = ['-sS', '-X', opts.method ?? (opts.body !== undefined ? 'POST' : 'GET'), '-o', '-', '-w', '\n%{http_code}'];
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}: ${v}`);
  if (opts.body !== undefined) {
    const file = join(dir, `body-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, opts.body);
    args.push('--data-binary', `@${file}`);
  }
  args.push(`${opts.url ?? vigil.url}${path}`);
  const { stdout } = await run('curl', args, { maxBuffer: 16 * 1024 * 1024 });
  const cut = stdout.lastIndexOf('\n');
  const body = stdout.slice(0, cut);
  return { status: Number(stdout.slice(cut + 1)), body, json: () => JSON.parse(body) };
}

const splunk = (token: string): Record<string, string> => ({ Authorization: `Splunk ${token}` });
const admin = { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' };

interface Row { id: number; profile: string; core: string; raw: string; original_text: string | null; host_name: string | null }
/** Every stored event row, read straight from the day partitions the store's catalog lists. */
function allRows(): Row[] {
  const tables = (db.prepare('SELECT name FROM partitions ORDER BY min_id').all() as { name: string }[]).map((p) => p.name);
  return tables.flatMap((t) => db.prepare(`SELECT id, profile, core, raw, original_text, host_name FROM "${t}" ORDER BY id`).all() as Row[]);
}
function rowsAfter(id: number): Row[] {
  return allRows().filter((r) => r.id > id);
}
function lastId(): number {
  return allRows().reduce((n, r) => Math.max(n, r.id), 0);
}

before(async () => {
  try {
    await run('curl', ['--version']);
  } catch {
    haveCurl = false;
  }
  dir = mkdtempSync(join(tmpdir(), 'vigil-hec-'));
  vigil = await startVigil({
    dataDir: join(dir, 'data'), port: 0, rules: [join(dir, 'no-rules')],
    env: { VIGIL_ADMIN_TOKEN: ADMIN }, log: () => {}, print: () => {}, maxBodyBytes: 1024 * 1024,
  });
  db = new Database(join(dir, 'data', 'vigil.db'), { readonly: true });
  const r = await fetch(`${vigil.url}/api/v1/tokens`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'shipper', role: 'ingest' }) });
  assert.equal(r.status, 201);
  ingestToken = (await r.json() as { token: string }).token;
});

after(async () => {
  db?.close();
  await vigil?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('one object event: Success, stored unchanged, envelope kept byte for byte, metadata applied', async (t) => {
  if (!haveCurl) { t.skip('curl not installed'); return; }
  const from = lastId();
  const envelope = `{"time": 1709287200.5, "host": "sensor1", "source": "eve.json", "sourcetype": "suricata", "index": "ids", "fields": {"site": "par"}, "event": ${JSON.stringify(EVE)}}`;
  const r = await curl('/services/collector/event', { headers: { ...splunk(ingestToken), 'X-Splunk-Request-Channel': '0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba' }, body: envelope });
  assert.equal(r.status, 200);
  assert.equal(r.body, '{"text":"Success","code":0}');
  const [row, ...more] = rowsAfter(from);
  assert.equal(more.length, 0);
  assert.equal(row!.profile, 'suricata');
  assert.deepEqual(JSON.parse(row!.raw), EVE);
  assert.equal(row!.original_text, envelope);
  assert.equal(row!.host_name, 'sensor1');
  assert.equal((JSON.parse(row!.core) as Record<string, unknown>)['source.ip'], '10.0.0.5');
});

test('several concatenated events (alias path, no separators), strings become syslog or text', async (t) => {
  if (!haveCurl) { t.skip('curl not installed'); return; }
  const from = lastId();
  const body = '{"event":{"msg":"a"},"host":"h1"}{"event":"Mar  1 12:00:01 web01 sshd[123]: Accepted password for bob from 10.0.0.1 port 22 ssh2"}\n{"event":"plain words","time":1709287200}';
  const r = await curl('/services/collector', { headers: splunk(ingestToken), body });
  assert.deepEqual(r.json(), { text: 'Success', code: 0 });
  const rows = rowsAfter(from);
  assert.deepEqual(rows.map((x) => x.profile), ['generic', 'linux_auth', 'generic']);
  assert.deepEqual(rows.map((x) => x.host_name), ['h1', 'web01', null]);
  assert.equal((JSON.parse(rows[1]!.core) as Record<string, unknown>)['user.name'], 'bob');
  assert.equal((JSON.parse(rows[2]!.core) as Record<string, unknown>)['@timestamp'], '2024-03-01T10:00:00.000Z');
});

test('raw lines: metadata from the query string, sourcetype picks the profile', async (t) => {
  if (!haveCurl) { t.skip('curl not installed'); return; }
  const from = lastId();
  const body = 'sshd[9]: Failed password for root from 192.0.2.7 port 2222 ssh2\r\n\nsudo:  alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/id\n';
  const r = await curl('/services/collector/raw?sourcetype=linux_secure&host=bastion&channel=abc', { headers: splunk(ingestToken), body });
  assert.deepEqual(r.json(), { text: 'Success', code: 0 });
  const rows = rowsAfter(from);
  assert.equal(rows.length, 2);
  assert.ok(rows.every((x) => x.profile === 'linux_auth' && x.host_name === 'bastion'));
  assert.equal(rows[0]!.original_text, 'sshd[9]: Failed password for root from 192.0.2.7 port 2222 ssh2');
  assert.equal((JSON.parse(rows[0]!.core) as Record<string, unknown>)['source.ip'], '192.0.2.7');
});

test('gzip bodies are accepted; a body that inflates past the limit is refused with 413', async (t) => {
  if (!haveCurl) { t.skip('curl not installed'); return; }
  const from = lastId();
  const body = Array.from({ length: 50 }, (_, i) => JSON.stringify({ event: { n: i, msg: 'zipped' } })).join('');
  const r = await curl('/services/collector/event', { headers: { ...splunk(ingestToken), 'Content-Encoding': 'gzip' }, body: gzipSync(body) });
  assert.deepEqual(r.json(), { text: 'Success', code: 0 });
  assert.equal(rowsAfter(from).length, 50);

  const bomb = gzipSync(JSON.stringify({ event: 'x'.repeat(3 * 1024 * 1024) }));
  assert.ok(bomb.length < 64 * 1024);
  const big = await curl('/services/collector/event', { headers: { ...splunk(ingestToken), 'Content-Encoding': 'gzip' }, body: bomb });
  assert.equal(big.status, 413);
  assert.equal((big.json() as { code: number }).code, 6);
  const plain = await curl('/services/collector/event', { headers: splunk(ingestToken), body: JSON.stringify({ event: 'y'.repeat(1024 * 1024 + 1) }) });
  assert.equal(plain.status, 413);
  assert.equal((plain.json() as { code: number }).code, 6);
  const broken = await curl('/services/collector/event', { headers: { ...splunk(ingestToken), 'Content-Encoding': 'gzip' }, body: 'not gzip' });
  assert.equal(broken.status, 400);
  const br = await curl('/services/collector/event', { headers: { ...splunk(ingestToken), 'Content-Encoding': 'br' }, body: '{"event":"x"}' });
  assert.equal(br.status, 415);
  assert.equal(rowsAfter(from).length, 50);
});

test('Splunk error codes: token required, invalid authorization, invalid token, query-string token, no data, invalid data', async (t) => {
  if (!haveCurl) { t.skip('curl not installed'); return; }
  const ev = '{"event":"x"}';
  const none = await curl('/services/collector/event', { body: ev });
  assert.equal(none.status, 401);
  assert.deepEqual(none.json(), { text: 'Token is required', code: 2 });
  assert.deepEqual((await curl('/services/collector/event', { headers: { Authorization: 'Splunk' }, body: ev })).json(), { text: 'Invalid authorization', code: 3 });
  const wrong = await curl('/services/collector/event', { headers: splunk('not-a-token'), body: ev });
  assert.equal(wrong.status, 403);
  assert.deepEqual(wrong.json(), { text: 'Invalid token', code: 4 });
  const query = await curl(`/services/collector/event?token=${ingestToken}`, { body: ev });
  assert.equal(query.status, 400);
  assert.deepEqual(query.json(), { text: 'Query string authorization is not enabled', code: 16 });
  const empty = await curl('/services/collector/event', { headers: splunk(ingestToken), body: '' });
  assert.equal(empty.status, 400);
  assert.deepEqual(empty.json(), { text: 'No data', code: 5 });

  const from = lastId();
  const bad = await curl('/services/collector/event', { headers: splunk(ingestToken), body: '{"event":"kept"}{"event":"b",}{"event":"never"}' });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json(), { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 });
  const rows = rowsAfter(from);
  assert.equal(rows.length, 1, 'the events before the bad one are kept, as Splunk does');
  assert.equal((JSON.parse(rows[0]!.raw) as { message: string }).message, 'kept');
  assert.deepEqual((await curl('/services/collector/event', { headers: splunk(ingestToken), body: '{"time":1}' })).json(), { text: 'Event field is required', code: 12, 'invalid-event-number': 0 });
  assert.deepEqual((await curl('/services/collector/health')).json(), { text: 'HEC is healthy', code: 17 });
});

test('an ingest token posts to HEC and _bulk but reads nothing; a viewer token cannot post to HEC', async (t) => {
  if (!haveCurl) { t.skip('curl not installed'); return; }
  const bulk = await curl('/_bulk', { headers: { Authorization: `ApiKey ${ingestToken}`, 'Content-Type': 'application/x-ndjson' }, body: '{"index":{"_index":"logs"}}\n{"message":"via bulk"}\n' });
  assert.equal(bulk.status, 200);
  assert.equal((bulk.json() as { errors: boolean }).errors, false);
  const alerts = await curl('/api/v1/alerts', { headers: { Authorization: `Bearer ${ingestToken}` } });
  assert.equal(alerts.status, 403);
  assert.equal((await curl('/api/v1/tokens', { headers: { Authorization: `Bearer ${ingestToken}` } })).status, 403);

  const viewer = await curl('/api/v1/tokens', { headers: admin, body: JSON.stringify({ name: 'looker', role: 'viewer' }) });
  const viewerToken = (viewer.json() as { token: string }).token;
  assert.equal((await curl('/api/v1/alerts', { headers: { Authorization: `Bearer ${viewerToken}` } })).status, 200);
  // A valid token without the permission gets Vigil's uniform 403 (api.forbidden), as on every route.
  const hec = await curl('/services/collector/event', { headers: splunk(viewerToken), body: '{"event":"x"}' });
  assert.equal(hec.status, 403);
  assert.equal((hec.json() as { error: { code: string } }).error.code, 'api.forbidden');
});

test('an expired token is refused everywhere', async (t) => {
  if (!haveCurl) { t.skip('curl not installed'); return; }
  const token = 'expired-ingest-token-0123456789';
  vigil.stores.tokens.add({ name: 'old shipper', hash: hashToken(token), role: 'ingest', kind: 'ingest', expires: Date.now() - 1000 });
  const r = await curl('/services/collector/event', { headers: splunk(token), body: '{"event":"late"}' });
  assert.equal(r.status, 403);
  assert.deepEqual(r.json(), { text: 'Invalid token', code: 4 });
  assert.equal((await curl('/api/v1/events', { headers: { Authorization: `Bearer ${token}` }, body: '{"a":1}' })).status, 401);
  const list = (await curl('/api/v1/tokens', { headers: admin })).json() as { tokens: Array<{ name: string; expires: number }> };
  assert.ok(list.tokens.find((x) => x.name === 'old shipper')!.expires < Date.now());
});

test('a token with a forced profile normalizes every event with it, whatever the content looks like', async (t) => {
  if (!haveCurl) { t.skip('curl not installed'); return; }
  const created = await curl('/api/v1/tokens', { headers: admin, body: JSON.stringify({ name: 'auth-forwarder', role: 'ingest', profile: 'linux_auth', expiresInDays: 30 }) });
  assert.equal(created.status, 201);
  const { token, profile, kind } = created.json() as { token: string; profile: string; kind: string };
  assert.equal(profile, 'linux_auth');
  assert.equal(kind, 'ingest');
  const from = lastId();
  // No syslog header and a sourcetype that says otherwise: detection would keep it as generic text.
  const r = await curl('/services/collector/event', { headers: splunk(token), body: '{"sourcetype":"app","event":"sshd[1]: Failed password for invalid user admin from 203.0.113.9 port 5555 ssh2"}' });
  assert.deepEqual(r.json(), { text: 'Success', code: 0 });
  const [row] = rowsAfter(from);
  assert.equal(row!.profile, 'linux_auth');
  const core = JSON.parse(row!.core) as Record<string, unknown>;
  assert.equal(core['user.name'], 'admin');
  assert.equal(core['source.ip'], '203.0.113.9');
  assert.equal(core['event.outcome'], 'failure');
});

test('overload answers 503 Server is busy with Retry-After; health says unhealthy while congested', async (t) => {
  if (!haveCurl) { t.skip('curl not installed'); return; }
  // A full queue is the pipeline's state, not this route's: a sink that is full stands in for it.
  const full: IngestSink = {
    congested: true, onDrain: () => {}, countDropped: () => {},
    submit: () => Promise.reject(new OverloadedError(7)),
  };
  const server = createApiServer({
    ingest: full, events: vigil.stores.events, alerts: vigil.stores.alerts,
    principalFor: (hash) => (hash === hashToken(ingestToken) ? { name: 's', role: 'ingest', kind: 'ingest' } : undefined),
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const args = ['-sS', '-D', '-', '-o', '/dev/null', '-H', `Authorization: Splunk ${ingestToken}`, '--data-binary', '{"event":"x"}', `${url}/services/collector/event`];
    const { stdout: headers } = await run('curl', args);
    assert.match(headers, /^HTTP\/1\.1 503/);
    assert.match(headers, /retry-after: 7/i);
    const r = await curl('/services/collector/event', { url, headers: splunk(ingestToken), body: '{"event":"x"}' });
    assert.deepEqual(r.json(), { text: 'Server is busy', code: 9 });
    const health = await curl('/services/collector/health', { url });
    assert.equal(health.status, 503);
    assert.deepEqual(health.json(), { text: 'HEC is unhealthy, queues are full', code: 18 });
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
