/** Outbox delivery: backoff on 503, Retry-After on 429, no retry on 400, bounded attempts, restarts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStores } from '../../storage/sqlite/index.js';
import type { DeliveryStore } from '../../storage/ports.js';
import { TicketDispatcher, type DispatcherOptions } from './dispatcher.js';
import { createConnector } from './targets/index.js';
import { aCase, JiraPeer, WebhookPeer, waitFor } from './testing/peers.js';

const SECRET = 'webhook-secret-0123456789';

function dispatcher(store: DeliveryStore, url: string, options: DispatcherOptions = {}): TicketDispatcher {
  const d = new TicketDispatcher(store, new Map([['hook', createConnector({ kind: 'webhook', name: 'hook', url, secret: SECRET })]]), {
    pollMs: 50, ...options, retry: { baseDelayMs: 40, maxDelayMs: 1000, timeoutMs: 2000, ...options.retry },
  });
  d.start();
  return d;
}

const settled = (store: DeliveryStore) => () => store.list({ state: 'pending' }).total === 0 && store.list().total > 0;

test('503 twice: retried with growing backoff (equal jitter), then delivered; the log has every attempt', async () => {
  const peer = await new WebhookPeer(SECRET).listen();
  peer.failNext(503, 2, {}, 'upstream down');
  const stores = openSqliteStores(':memory:');
  const d = dispatcher(stores.deliveries, peer.url);
  try {
    d.onCaseChange({ type: 'created', case: aCase() });
    await waitFor(settled(stores.deliveries), 'delivery');
    const [delivery] = stores.deliveries.list().deliveries;
    assert.equal(delivery!.state, 'delivered');
    assert.equal(delivery!.attempts, 3);
    const log = stores.deliveries.attempts([delivery!.id]);
    assert.deepEqual(log.map((a) => [a.statusCode, a.outcome]), [[503, 'retry'], [503, 'retry'], [204, 'delivered']]);
    assert.match(log[0]!.error!, /^POST \/: HTTP 503: upstream down$/);
    assert.ok(log.every((a) => a.durationMs >= 0 && a.at > 0));
    // Backoff steps are 40 ms then 80 ms; equal jitter never waits less than half a step.
    const gaps = [peer.requests[1]!.at - peer.requests[0]!.at, peer.requests[2]!.at - peer.requests[1]!.at];
    assert.ok(gaps[0]! >= 20, `first retry after ${gaps[0]} ms`);
    assert.ok(gaps[1]! >= 40, `second retry after ${gaps[1]} ms`);
    assert.equal(peer.verified.length, 1);
    // Every retry of one delivery carries the same delivery id, so receivers can drop duplicates.
    assert.equal(new Set(peer.requests.map((r) => r.headers['x-vigil-delivery'])).size, 1);
  } finally {
    await d.stop();
    stores.close();
    await peer.close();
  }
});

test('429 with Retry-After: the next attempt waits at least that long, whatever the backoff says', async () => {
  const peer = await new WebhookPeer(SECRET).listen();
  peer.failNext(429, 1, { 'retry-after': '1' }, '{"error":"slow down"}');
  const stores = openSqliteStores(':memory:');
  const d = dispatcher(stores.deliveries, peer.url, { retry: { baseDelayMs: 5 } });
  try {
    d.onCaseChange({ type: 'created', case: aCase() });
    await waitFor(() => stores.deliveries.list().deliveries[0]?.attempts === 1, 'first attempt');
    const pending = stores.deliveries.list().deliveries[0]!;
    const first = stores.deliveries.attempts([pending.id])[0]!;
    assert.equal(first.statusCode, 429);
    assert.equal(pending.state, 'pending');
    assert.ok(pending.nextAt - first.at >= 1000, `next attempt planned ${pending.nextAt - first.at} ms after the first`);
    await waitFor(settled(stores.deliveries), 'delivery');
    assert.equal(peer.requests.length, 2);
    assert.ok(peer.requests[1]!.at - peer.requests[0]!.at >= 1000, 'Retry-After honoured');
    assert.equal(stores.deliveries.list().deliveries[0]!.state, 'delivered');
  } finally {
    await d.stop();
    stores.close();
    await peer.close();
  }
});

test('400: no retry, marked failed with the response excerpt', async () => {
  const peer = await new WebhookPeer(SECRET).listen();
  peer.failNext(400, 1, {}, JSON.stringify({ errors: { summary: 'Field too long' }, pad: 'x'.repeat(5000) }));
  const stores = openSqliteStores(':memory:');
  const d = dispatcher(stores.deliveries, peer.url, { retry: { baseDelayMs: 5 } });
  try {
    d.onCaseChange({ type: 'created', case: aCase() });
    await waitFor(settled(stores.deliveries), 'settled');
    // Long enough for several backoff steps of 5 ms to have passed, had there been a retry.
    await new Promise((ok) => setTimeout(ok, 200));
    assert.equal(peer.requests.length, 1);
    const [delivery] = stores.deliveries.list().deliveries;
    assert.equal(delivery!.state, 'failed');
    assert.equal(delivery!.attempts, 1);
    assert.match(delivery!.lastError!, /^POST \/: HTTP 400: \{"errors":\{"summary":"Field too long"\}/);
    assert.ok(delivery!.lastError!.length < 400, 'an excerpt, not the whole body');
    const [attempt] = stores.deliveries.attempts([delivery!.id]);
    assert.deepEqual([attempt!.statusCode, attempt!.outcome], [400, 'failed']);
  } finally {
    await d.stop();
    stores.close();
    await peer.close();
  }
});

test('bounded attempts: a target that keeps failing is given up after maxAttempts; network errors are retried too', async () => {
  const peer = await new WebhookPeer(SECRET).listen();
  const url = peer.url;
  await peer.close(); // nothing listens there now: connection refused
  const stores = openSqliteStores(':memory:');
  const log: string[] = [];
  const d = dispatcher(stores.deliveries, url, { retry: { baseDelayMs: 5, maxAttempts: 3 }, log: (l) => log.push(l) });
  try {
    d.onCaseChange({ type: 'created', case: aCase() });
    await waitFor(settled(stores.deliveries), 'given up');
    const [delivery] = stores.deliveries.list().deliveries;
    assert.equal(delivery!.state, 'failed');
    assert.equal(delivery!.attempts, 3);
    assert.match(delivery!.lastError!, /^gave up after 3 attempts: POST \/: ECONNREFUSED/);
    const attempts = stores.deliveries.attempts([delivery!.id]);
    assert.deepEqual(attempts.map((a) => [a.statusCode, a.outcome]), [[null, 'retry'], [null, 'retry'], [null, 'failed']]);
    assert.equal(log.length, 1);
    assert.ok(!log[0]!.includes(SECRET));
  } finally {
    await d.stop();
    stores.close();
  }
});

test('the outbox survives a restart: pending deliveries (and their backoff) are picked up by the next process', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ticketing-'));
  const peer = await new WebhookPeer(SECRET).listen();
  try {
    peer.failNext(503, 1);
    let stores = openSqliteStores(dir);
    const first = dispatcher(stores.deliveries, peer.url, { retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    first.onCaseChange({ type: 'created', case: aCase({ id: 1 }) });
    await waitFor(() => stores.deliveries.list().deliveries[0]?.attempts === 1, 'first attempt');
    await first.stop();
    // Queued while stopped (e.g. the listener ran during shutdown): written, not sent.
    first.onCaseChange({ type: 'created', case: aCase({ id: 2 }) });
    stores.close();
    assert.equal(peer.verified.length, 0);

    stores = openSqliteStores(dir);
    assert.equal(stores.deliveries.list({ state: 'pending' }).total, 2);
    const nextAt = stores.deliveries.list({ caseId: 1 }).deliveries[0]!.nextAt;
    assert.ok(nextAt - Date.now() > 25_000, 'the backoff was persisted');
    // The second process runs a minute later (a shifted clock): case 1 is due again by then.
    const second = dispatcher(stores.deliveries, peer.url, { now: () => Date.now() + 61_000 });
    try {
      await waitFor(settled(stores.deliveries), 'both delivered');
      assert.deepEqual(peer.verified.map((v) => v.case['id']).sort(), [1, 2]);
      assert.deepEqual(stores.deliveries.list().deliveries.map((d) => [d.caseId, d.state, d.attempts]).sort(), [[1, 'delivered', 2], [2, 'delivered', 1]]);
    } finally {
      await second.stop();
      stores.close();
    }
  } finally {
    await peer.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ordering: a create whose transition fails keeps its ticket (the retry updates it); updates wait in order, a waiting one is replaced by a newer one', async () => {
  const token = 'jira-token-0123456789';
  const peer = await new JiraPeer(`Bearer ${token}`).listen();
  const stores = openSqliteStores(':memory:');
  const d = new TicketDispatcher(stores.deliveries, new Map([['jira', createConnector({
    kind: 'jira', name: 'jira', url: peer.url, project: 'SEC', issueType: 'Task', auth: { type: 'bearer', token },
    priorities: {}, transitions: { closed: 'Done' },
  })]]), { retry: { baseDelayMs: 150, timeoutMs: 2000 }, pollMs: 50 });
  try {
    peer.failMatching('GET', /\/transitions$/, 503);
    d.start();
    d.onCaseChange({ type: 'created', case: aCase({ status: 'closed' }) });
    await waitFor(() => stores.deliveries.list({ state: 'delivered' }).total === 1, 'create');
    assert.deepEqual(peer.requests.map((r) => `${r.method} ${r.path}`), [
      'POST /rest/api/2/issue', 'GET /rest/api/2/issue/SEC-1/transitions',
      'PUT /rest/api/2/issue/SEC-1', 'GET /rest/api/2/issue/SEC-1/transitions', 'POST /rest/api/2/issue/SEC-1/transitions',
    ]);
    assert.equal(peer.issues.get('SEC-1')!.status, 'Done');

    peer.failMatching('PUT', /SEC-1$/, 503, 2);
    d.onCaseChange({ type: 'updated', case: aCase({ status: 'closed', title: 'v2' }) });
    d.onCaseChange({ type: 'updated', case: aCase({ status: 'closed', title: 'v3' }) });
    d.onCaseChange({ type: 'updated', case: aCase({ status: 'closed', title: 'v4' }) });
    await waitFor(() => stores.deliveries.list({ state: 'pending' }).total === 0, 'updates');
    // v3 was replaced by v4 while it waited behind v2: at most one waiting change per case and target.
    assert.equal(stores.deliveries.list().total, 3);
    const puts = peer.requests.filter((r) => r.method === 'PUT').slice(1).map((r) => (JSON.parse(r.body) as { fields: { summary: string } }).fields.summary);
    assert.deepEqual(puts, ['[Vigil #7] v2', '[Vigil #7] v2', '[Vigil #7] v2', '[Vigil #7] v4']);
    assert.equal(peer.issues.size, 1, 'one issue, never a duplicate');
    assert.equal(peer.issues.get('SEC-1')!.fields['summary'], '[Vigil #7] v4');
  } finally {
    await d.stop();
    stores.close();
    await peer.close();
  }
});
