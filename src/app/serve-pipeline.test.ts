import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { hashToken } from '../api/auth.js';
import { DB_FILE } from '../storage/sqlite/index.js';
import { startVigil, type RunningVigil } from './start.js';
import { bearer, imageRule, startTestServer, type TestServer } from './testing/kit.js';

const TOKEN = 'test-admin-token-0123456789';
const INGEST_TOKEN = 'test-ingest-token-0123456789';
const RULE = imageRule({ id: '22222222-2222-4222-8222-222222222222', title: 'Whoami via Sysmon', image: '\\whoami.exe', level: 'high' });

function sysmon(image: string): string {
  return JSON.stringify({
    Event: {
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: 1,
        Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: 'ws02.corp.example',
        TimeCreated: { '#attributes': { SystemTime: new Date().toISOString() } },
      },
      EventData: { Image: image, CommandLine: image },
    },
  });
}

let server: TestServer;
let vigil: RunningVigil;
const auth = bearer(TOKEN);

before(async () => {
  server = await startTestServer('serve-pipeline', {
    adminToken: TOKEN, rules: { 'whoami.yml': RULE }, ingest: { maxQueuedEvents: 4, retryAfterSeconds: 2 },
  });
  vigil = server.vigil;
  vigil.stores.tokens.add({ name: 'shipper', hash: hashToken(INGEST_TOKEN), role: 'ingest', kind: 'ingest' });
});

after(() => server.close());

function post(body: string): Promise<Response> {
  return fetch(`${vigil.url}/api/v1/events`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' }, body });
}

test('events are acknowledged after commit and detected; /metrics needs metrics:read and shows the counters', async () => {
  const r = await post([sysmon('C:\\Windows\\System32\\whoami.exe'), sysmon('C:\\Windows\\notepad.exe'), '{bad'].join('\n'));
  assert.equal(r.status, 200);
  assert.deepEqual(((await r.json()) as { accepted: number }).accepted, 2);

  assert.equal((await fetch(`${vigil.url}/metrics`)).status, 401);
  assert.equal((await fetch(`${vigil.url}/metrics`, { headers: { authorization: `Bearer ${INGEST_TOKEN}` } })).status, 403);

  // Detection runs after the acknowledgement (in a worker thread); wait for it before reading its metrics.
  await vigil.detection.stage.idle();
  const m = await fetch(`${vigil.url}/metrics`, { headers: auth });
  assert.equal(m.status, 200);
  assert.match(m.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await m.text();
  assert.match(text, /^vigil_events_received_total\{source="http"\} 2$/m);
  assert.match(text, /^vigil_events_stored_total\{source="http"\} 2$/m);
  assert.match(text, /^vigil_ingest_queue_depth 0$/m);
  assert.match(text, /^vigil_rules_loaded 1$/m);
  assert.match(text, /^vigil_alerts_total\{level="high"\} 1$/m);
  assert.match(text, /^vigil_detection_latency_seconds_count 2$/m, 'one observation per detected event');
  assert.match(text, /^vigil_ingest_commit_seconds_count [1-9]\d*$/m);
});

test('an overloaded ingest answers 429 with Retry-After and stores nothing of that request', async () => {
  const before = (await (await fetch(`${vigil.url}/metrics`, { headers: auth })).text()).match(/^vigil_events_stored_total\{source="http"\} (\d+)$/m)?.[1];
  const body = Array.from({ length: 5 }, () => sysmon('C:\\Windows\\explorer.exe')).join('\n');
  const r = await post(body);
  assert.equal(r.status, 429);
  assert.equal(r.headers.get('retry-after'), '2');
  const err = (await r.json()) as { error: { code: string; message: string } };
  assert.equal(err.error.code, 'api.overloaded');
  assert.match(err.error.message, /exceeds the ingest queue bound/);
  const text = await (await fetch(`${vigil.url}/metrics`, { headers: auth })).text();
  assert.match(text, /^vigil_events_dropped_total\{source="http",reason="overloaded"\} 5$/m);
  assert.match(text, new RegExp(`^vigil_events_stored_total\\{source="http"\\} ${before}$`, 'm'));
});

test('a store that fails answers 503 with Retry-After', async () => {
  const other = await startVigil({
    dataDir: join(server.dir, 'data2'), port: 0, rules: [server.rulesDir],
    env: { VIGIL_ADMIN_TOKEN: TOKEN }, log: () => {}, print: () => {},
  });
  try {
    // A second connection makes every event append fail, as a full disk would; tokens still work.
    // (Each append creates or updates its day partition's catalog row.)
    const db = new Database(join(server.dir, 'data2', DB_FILE));
    db.exec(`CREATE TRIGGER fail_inserts BEFORE INSERT ON partitions BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END;
      CREATE TRIGGER fail_updates BEFORE UPDATE ON partitions BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END;`);
    db.close();
    const r = await fetch(`${other.url}/api/v1/events`, { method: 'POST', headers: auth, body: sysmon('C:\\x.exe') });
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '1');
    const body = (await r.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'api.unavailable');
    assert.doesNotMatch(body.error.message, /simulated/, 'store internals are not shown to clients');
    assert.equal(other.pipeline.stats()['http']?.stored, 0);
    assert.deepEqual(other.pipeline.stats()['http']?.dropped, { store_failed: 1 });
  } finally {
    await other.close();
  }
});
