/**
 * Elastic's own JavaScript client (@elastic/elasticsearch 8) against the real server: its product
 * check, `info`, the licence call Beats make, `bulk` and the bulk helper's per-item bookkeeping, with
 * Basic auth whose password is an ingest token, as shippers configure it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, errors } from '@elastic/elasticsearch';
import { hashToken } from '../api/auth.js';
import { ES_COMPAT_VERSION } from '../api/routes/ingest.js';
import type { RunningVigil } from './start.js';
import { bearer, imageRule, jsonClient, startTestServer, sysmonProcess, type TestServer } from './testing/kit.js';

const ADMIN = 'es-client-admin-token-0123456789';
const INGEST = 'es-client-ingest-token-0123456789';
const RULE = imageRule({ id: '55555555-5555-4555-8555-555555555555', title: 'Whoami via Sysmon', image: '\\whoami.exe' });

let server: TestServer;
let vigil: RunningVigil;
let es: Client;
const call = jsonClient(() => vigil.url, { ...bearer(ADMIN), 'content-type': 'application/json' });

before(async () => {
  server = await startTestServer('es-client', { adminToken: ADMIN, rules: { 'whoami.yml': RULE } });
  vigil = server.vigil;
  vigil.stores.tokens.add({ name: 'beats', hash: hashToken(INGEST), role: 'ingest', kind: 'ingest' });
  es = new Client({ node: vigil.url, auth: { username: 'beats', password: INGEST }, maxRetries: 0 });
});

after(async () => {
  await es.close();
  await server.close();
});

async function search(query: string): Promise<Record<string, unknown>[]> {
  const r = await call('POST', '/api/v1/search', { query, from: '-1h' });
  assert.equal(r.status, 200, r.text);
  return r.json.events as Record<string, unknown>[];
}

test('info and licence: the client accepts Vigil as Elasticsearch (product check passes)', async () => {
  const info = await es.info();
  assert.equal(info.version.number, ES_COMPAT_VERSION);
  assert.equal(info.tagline, 'You Know, for Search');
  const licence = await es.license.get();
  assert.equal(licence.license.type, 'basic');
  assert.equal(licence.license.status, 'active');
});

test('a wrong password is a 401 the client reports as such', async () => {
  const wrong = new Client({ node: vigil.url, auth: { username: 'beats', password: 'not-the-token-0123456789' }, maxRetries: 0 });
  try {
    await assert.rejects(wrong.info(), (err: unknown) => err instanceof errors.ResponseError && err.statusCode === 401);
  } finally {
    await wrong.close();
  }
});

test('client.bulk: index and create land, per-item statuses, errors flag; the stored event is detected', async () => {
  const whoami = sysmonProcess({ host: 'es-ws01', image: 'C:\\Windows\\System32\\whoami.exe', recordId: 7001 });
  const notepad = sysmonProcess({ host: 'es-ws01', image: 'C:\\Windows\\notepad.exe', recordId: 7002 });
  const r = await es.bulk({
    operations: [
      { index: { _index: 'winlogbeat-8', _id: 'doc-1' } }, whoami,
      { create: { _index: 'winlogbeat-8', _id: 'doc-2' } }, notepad,
    ],
  });
  assert.equal(r.errors, false);
  assert.deepEqual(r.items.map((it) => [Object.keys(it)[0], it.index?.status ?? it.create?.status, it.index?._id ?? it.create?._id]), [
    ['index', 201, 'doc-1'], ['create', 201, 'doc-2'],
  ]);
  assert.equal((await search('host.name:es-ws01')).length, 2);
  await vigil.detection.stage.idle();
  const alerts = await call('GET', '/api/v1/alerts?limit=50');
  assert.ok((alerts.json.alerts as { ruleId: string; hostName: string }[]).some((a) => a.ruleId === '55555555-5555-4555-8555-555555555555' && a.hostName === 'es-ws01'));

  // The same _ids again (a shipper's retry after a lost answer): acknowledged, not stored twice.
  const again = await es.bulk({ operations: [{ index: { _index: 'winlogbeat-8', _id: 'doc-1' } }, whoami] });
  assert.equal(again.errors, false);
  assert.equal((await search('host.name:es-ws01')).length, 2);
});

test('client.bulk: an update is refused per item and the errors flag is set, the rest of the batch lands', async () => {
  const r = await es.bulk({
    operations: [
      { update: { _index: 'logs', _id: 'u1' } }, { doc: { message: 'changed' } },
      { index: { _index: 'logs' } }, { message: 'kept alongside a refused update', host: { name: 'es-mixed' } },
    ],
  });
  assert.equal(r.errors, true);
  assert.equal(r.items[0]!.update?.status, 400);
  assert.ok(r.items[0]!.update?.error?.reason);
  assert.equal(r.items[1]!.index?.status, 201);
  assert.equal((await search('host.name:es-mixed')).length, 1);
});

test('helpers.bulk: 2,000 documents in flushes, every one acknowledged and stored once', async () => {
  const docs = Array.from({ length: 2000 }, (_, i) => ({ '@timestamp': new Date().toISOString(), host: { name: 'es-bulk' }, message: `helper line ${i}`, seq: i }));
  const stats = await es.helpers.bulk({
    datasource: docs,
    onDocument: (doc) => ({ create: { _index: 'logs-helper', _id: `h-${doc.seq}` } }),
    flushBytes: 64 * 1024,
    concurrency: 3,
  });
  assert.equal(stats.failed, 0);
  assert.equal(stats.successful, 2000);
  const count = await call('POST', '/api/v1/search', { query: 'host.name:es-bulk | stats count()', from: '-1h' });
  assert.equal(count.status, 200, count.text);
  assert.deepEqual(count.json.rows, [{ count: 2000 }]);
});
