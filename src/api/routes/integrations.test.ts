/** The integrations routes through the real API server: delivery log and signed/token status sync. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { openSqliteStores } from '../../storage/sqlite/index.js';
import { createTicketing, resolveTicketingConfig, signHeaders } from '../../integrations/ticketing/index.js';
import { aCase, JiraPeer, WebhookPeer, waitFor } from '../../integrations/ticketing/testing/peers.js';
import type { IngestSink } from '../../ingest/types.js';
import { hashToken } from '../auth.js';
import { isRole } from '../permissions.js';
import { createApiServer } from '../server.js';
import { integrationRoutes } from './integrations.js';

const ENV = {
  JIRA_TOKEN: 'jira-api-token-0123456789',
  JIRA_HOOK_SECRET: 'jira-inbound-secret-0123456789',
  HOOK_SECRET: 'webhook-secret-0123456789',
};
const ADMIN = 'admin-token-0123456789abcdef';
const ANALYST = 'analyst-token-0123456789abcdef';

async function errorOf(res: Response): Promise<string> {
  return ((await res.json()) as { error: { message: string } }).error.message;
}

const noIngest: IngestSink = {
  submit: () => Promise.reject(new Error('not used')), congested: false, onDrain: (fn) => fn(), countDropped: () => {},
};

test('ticket-status: signed by the ticketing side or sent with a token; delivery log for admins only', async (t) => {
  const jira = await new JiraPeer(`Bearer ${ENV.JIRA_TOKEN}`).listen();
  const hook = await new WebhookPeer(ENV.HOOK_SECRET).listen();
  const stores = openSqliteStores(':memory:');
  stores.tokens.add({ name: 'admin', hash: hashToken(ADMIN), role: 'admin' });
  stores.tokens.add({ name: 'ana', hash: hashToken(ANALYST), role: 'analyst' });
  const config = resolveTicketingConfig({
    targets: [
      { name: 'jira', kind: 'jira', url: jira.url, project: 'SEC', auth: { type: 'bearer', tokenEnv: 'JIRA_TOKEN' }, inboundSecretEnv: 'JIRA_HOOK_SECRET' },
      { name: 'hook', kind: 'webhook', url: hook.url, secretEnv: 'HOOK_SECRET' },
    ],
    retry: { baseDelay: '20ms', timeout: '2s' },
  }, ENV);

  // The cases module's side: a status setter that emits the change like the cases service does.
  const cases = new Map([[5, aCase({ id: 5 })]]);
  const calls: [number, string, string][] = [];
  const ticketing = createTicketing(stores.deliveries, config, (caseId, status, actor) => {
    calls.push([caseId, status, actor]);
    const c = cases.get(caseId);
    if (!c) return false;
    c.status = status;
    ticketing.onCaseChange({ type: 'updated', case: { ...c }, actor });
    return true;
  }, { pollMs: 50 });
  ticketing.start();

  const server = createApiServer({
    ingest: noIngest, events: stores.events, alerts: stores.alerts,
    principalFor: (hash) => {
      const tok = stores.tokens.lookup(hash);
      return tok && isRole(tok.role) ? { name: tok.name, role: tok.role, kind: tok.kind } : undefined;
    },
    extraRoutes: integrationRoutes({ deliveries: stores.deliveries, sync: ticketing.sync }),
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const statusUrl = `${base}/api/v1/integrations/ticket-status`;
  const signed = (body: string, secret = ENV.JIRA_HOOK_SECRET, now = Date.now()) =>
    fetch(statusUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...signHeaders(secret, body, now) }, body });
  const withToken = (token: string, body: unknown) =>
    fetch(statusUrl, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const settled = (n: number) => waitFor(() => stores.deliveries.list({ state: 'delivered' }).total === n && stores.deliveries.list({ state: 'pending' }).total === 0, `${n} deliveries`);

  try {
    ticketing.onCaseChange({ type: 'created', case: cases.get(5)!, actor: 'alice' });
    await settled(2);
    assert.equal(stores.deliveries.getRef('jira', 5)!.ticketKey, 'SEC-1');

    await t.test('a signed status update closes the case, and is not echoed back to Jira', async () => {
      const body = JSON.stringify({ target: 'jira', ticketKey: 'SEC-1', status: 'Done' });
      const at = Date.now();
      const res = await signed(body, ENV.JIRA_HOOK_SECRET, at);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { target: 'jira', ticketKey: 'SEC-1', status: 'closed', caseId: 5 });
      assert.deepEqual(calls.at(-1), [5, 'closed', 'ticketing:jira']);
      await settled(3);
      assert.equal(stores.deliveries.list({ target: 'jira' }).total, 1, 'no delivery back to the ticket the status came from');
      assert.equal(hook.verified.at(-1)!.case['status'], 'closed', 'other targets hear about it');
      assert.equal(stores.deliveries.getRef('jira', 5)!.syncedStatus, 'closed');

      const replay = await signed(body, ENV.JIRA_HOOK_SECRET, at);
      assert.equal(replay.status, 401, 'the same signed request twice');
    });

    await t.test('signature failures are 401 and change nothing', async () => {
      const before = calls.length;
      const body = JSON.stringify({ target: 'jira', ticketKey: 'SEC-1', status: 'In Progress' });
      const wrongKey = await signed(body, 'not-the-inbound-secret-012345');
      assert.equal(wrongKey.status, 401);
      assert.match(await errorOf(wrongKey), /signature does not match/);
      const stale = await signed(body, ENV.JIRA_HOOK_SECRET, Date.now() - 600_000);
      assert.equal(stale.status, 401);
      assert.match(await errorOf(stale), /away from the server clock/);
      const headers = signHeaders(ENV.JIRA_HOOK_SECRET, body);
      const tampered = await fetch(statusUrl, { method: 'POST', headers, body: body.replace('In Progress', 'Done') });
      assert.equal(tampered.status, 401);
      const hookSigned = await signed(JSON.stringify({ target: 'hook', ticketKey: 'x', status: 'closed' }));
      assert.equal(hookSigned.status, 401, 'the Jira secret does not sign for the webhook target');
      const none = await fetch(statusUrl, { method: 'POST', body });
      assert.equal(none.status, 401);
      assert.match(String(none.headers.get('www-authenticate')), /Bearer/);
      assert.equal(calls.length, before);
    });

    await t.test('unknown tickets are 404, unknown statuses 422, bad bodies 400', async () => {
      const unknown = await signed(JSON.stringify({ target: 'jira', ticketKey: 'SEC-99', status: 'Done' }));
      assert.equal(unknown.status, 404);
      assert.match(await errorOf(unknown), /no case is linked to ticket 'SEC-99'/);
      const status = await signed(JSON.stringify({ target: 'jira', ticketKey: 'SEC-1', status: 'Weird' }));
      assert.equal(status.status, 422);
      assert.match(await errorOf(status), /maps to no case status \(known: to do, open, in progress/);
      assert.equal((await withToken(ADMIN, { target: 'jira', ticketKey: 'SEC-1' })).status, 400);
      assert.equal((await withToken(ADMIN, { target: 'nope', ticketKey: 'SEC-1', status: 'Done' })).status, 404);
      const big = JSON.stringify({ target: 'jira', ticketKey: 'SEC-1', status: 'Done', pad: 'x'.repeat(20_000) });
      assert.equal((await signed(big)).status, 413);
    });

    await t.test('a token with integrations:manage may sync (by key or Jira id); other roles may not', async () => {
      const res = await withToken(ADMIN, { target: 'jira', ticketKey: '10001', status: 'In Progress' });
      assert.equal(res.status, 200);
      assert.deepEqual(calls.at(-1), [5, 'in-progress', 'admin']);
      assert.equal((await withToken(ANALYST, { target: 'jira', ticketKey: 'SEC-1', status: 'Done' })).status, 403);
      await settled(5);
    });

    await t.test('the delivery log: every attempt, no payloads and no secrets; admins only', async () => {
      const res = await fetch(`${base}/api/v1/integrations/deliveries?target=jira`, { headers: { authorization: `Bearer ${ADMIN}` } });
      assert.equal(res.status, 200);
      const text = await res.text();
      for (const secret of [...Object.values(ENV), ADMIN]) assert.ok(!text.includes(secret), 'no secret in the answer');
      const body = JSON.parse(text) as { total: number; deliveries: { target: string; state: string; payload?: unknown; log: { at: number; statusCode: number; durationMs: number; error: string | null; outcome: string }[] }[] };
      assert.equal(body.total, 2);
      assert.ok(body.deliveries.every((d) => d.target === 'jira' && d.payload === undefined && d.log.length >= 1));
      assert.deepEqual(Object.keys(body.deliveries[0]!.log[0]!).sort(), ['at', 'detail', 'durationMs', 'error', 'id', 'outcome', 'statusCode']);
      assert.equal((await fetch(`${base}/api/v1/integrations/deliveries`, { headers: { authorization: `Bearer ${ANALYST}` } })).status, 403);
      assert.equal((await fetch(`${base}/api/v1/integrations/deliveries`)).status, 401);
      assert.equal((await fetch(`${base}/api/v1/integrations/deliveries?state=lost`, { headers: { authorization: `Bearer ${ADMIN}` } })).status, 400);
    });

    assert.deepEqual(server.routes().filter((r) => r.path.startsWith('/api/v1/integrations')).map((r) => r.permission), ['integrations:manage', 'integrations:manage']);
  } finally {
    await ticketing.stop();
    await new Promise<void>((ok) => server.close(() => ok()));
    stores.close();
    await jira.close();
    await hook.close();
  }
});
