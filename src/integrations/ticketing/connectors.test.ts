/** Create-then-update flows through the outbox against real loopback peers playing each system. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStores } from '../../storage/sqlite/index.js';
import type { Stores } from '../../storage/ports.js';
import { TicketDispatcher } from './dispatcher.js';
import { createConnector, type TargetConfig } from './targets/index.js';
import { JIRA_DEFAULT_PRIORITIES, JIRA_DEFAULT_TRANSITIONS } from './targets/jira.js';
import { SN_DEFAULT_IMPACT, SN_DEFAULT_STATES, SN_DEFAULT_URGENCY } from './targets/servicenow.js';
import { aCase, JiraPeer, ServiceNowPeer, WebhookPeer, waitFor } from './testing/peers.js';
import type { CaseChangeEvent, TicketCase } from './types.js';

const SECRET = 'webhook-secret-0123456789';
const JIRA_TOKEN = 'jira-api-token-abcdef';
const SN_TOKEN = 'sn-bearer-token-xyz123';

function harness(target: TargetConfig, stores: Stores = openSqliteStores(':memory:'), log: string[] = []) {
  const dispatcher = new TicketDispatcher(stores.deliveries, new Map([[target.name, createConnector(target)]]), {
    retry: { baseDelayMs: 20, maxDelayMs: 200, timeoutMs: 2000 }, pollMs: 50, log: (l) => log.push(l),
  });
  dispatcher.start();
  const settled = (n: number) => waitFor(() => stores.deliveries.list({ state: 'delivered' }).total + stores.deliveries.list({ state: 'failed' }).total >= n, `${n} settled deliveries`);
  return { stores, dispatcher, settled, log };
}

function change(type: CaseChangeEvent['type'], c: TicketCase, actor = 'alice'): CaseChangeEvent {
  return { type, case: c, actor };
}

test('webhook: signed {event, case, sentAt} on create and update; the receiver verifies the HMAC itself', async () => {
  const peer = await new WebhookPeer(SECRET).listen();
  const h = harness({ kind: 'webhook', name: 'hook', url: `${peer.url}/vigil`, secret: SECRET });
  try {
    const rich = { ...aCase(), rca: { rootCause: 'internal only' } } as TicketCase;
    h.dispatcher.onCaseChange(change('created', rich));
    await h.settled(1);
    h.dispatcher.onCaseChange(change('updated', aCase({ status: 'in-progress', owner: 'bob' })));
    await h.settled(2);

    assert.equal(peer.verified.length, 2, 'both requests carry a valid signature');
    const [first, second] = peer.requests;
    assert.equal(first!.method, 'POST');
    assert.equal(first!.path, '/vigil');
    assert.equal(first!.headers['content-type'], 'application/json');
    assert.match(String(first!.headers['x-vigil-signature']), /^sha256=[0-9a-f]{64}$/);
    assert.match(String(first!.headers['x-vigil-timestamp']), /^\d+$/);
    assert.ok(first!.headers['x-vigil-delivery']);
    const body = JSON.parse(first!.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['event', 'case', 'sentAt']);
    assert.equal(body['event'], 'created');
    assert.deepEqual(body['case'], aCase(), 'only the ticket fields leave Vigil');
    assert.ok(!Number.isNaN(Date.parse(String(body['sentAt']))));
    assert.equal(JSON.parse(second!.body).event, 'updated');
    assert.equal(JSON.parse(second!.body).case.owner, 'bob');

    const { deliveries } = h.stores.deliveries.list();
    assert.deepEqual(deliveries.map((d) => [d.event, d.state, d.attempts]), [['updated', 'delivered', 1], ['created', 'delivered', 1]]);
    const log = h.stores.deliveries.attempts(deliveries.map((d) => d.id));
    assert.deepEqual(log.map((a) => [a.target, a.statusCode, a.outcome, a.error]), [['hook', 204, 'delivered', null], ['hook', 204, 'delivered', null]]);
  } finally {
    await h.dispatcher.stop();
    h.stores.close();
    await peer.close();
  }
});

test('webhook: a receiver that rejects the signature gets no retries (401 is final)', async () => {
  const peer = await new WebhookPeer('another-secret-0123456789').listen();
  const h = harness({ kind: 'webhook', name: 'hook', url: peer.url, secret: SECRET });
  try {
    h.dispatcher.onCaseChange(change('created', aCase()));
    await h.settled(1);
    const [d] = h.stores.deliveries.list().deliveries;
    assert.equal(d!.state, 'failed');
    assert.match(d!.lastError!, /HTTP 401: \{"error":"bad signature"\}/);
    assert.equal(peer.verified.length, 0);
  } finally {
    await h.dispatcher.stop();
    h.stores.close();
    await peer.close();
  }
});

test('Jira: create with Basic auth and exact fields, then update + status via a transition', async () => {
  const basic = `Basic ${Buffer.from(`soc@example.com:${JIRA_TOKEN}`).toString('base64')}`;
  const peer = await new JiraPeer(basic).listen();
  const h = harness({
    kind: 'jira', name: 'jira', url: peer.url, project: 'SEC', issueType: 'Task',
    auth: { type: 'basic', user: 'soc@example.com', secret: JIRA_TOKEN },
    priorities: JIRA_DEFAULT_PRIORITIES, transitions: JIRA_DEFAULT_TRANSITIONS,
  });
  try {
    h.dispatcher.onCaseChange(change('created', aCase()));
    await h.settled(1);
    assert.equal(peer.requests.length, 1);
    const create = peer.requests[0]!;
    assert.equal(create.method, 'POST');
    assert.equal(create.path, '/rest/api/2/issue');
    assert.equal(create.headers.authorization, basic);
    assert.equal(create.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(create.body), {
      fields: {
        project: { key: 'SEC' },
        issuetype: { name: 'Task' },
        summary: '[Vigil #7] Phishing: invoice.pdf.exe',
        description: 'User reported a phishing mail.\n\nSeverity: high | TLP: AMBER | Owner: alice | Status: open\nCase: https://vigil.local/cases/7',
        labels: ['vigil', 'phishing', 'mail_gateway'],
        priority: { name: 'High' },
      },
    });
    assert.deepEqual(h.stores.deliveries.getRef('jira', 7), { target: 'jira', caseId: 7, ticketKey: 'SEC-1', alias: '10001', syncedStatus: 'open', updated: h.stores.deliveries.getRef('jira', 7)!.updated });

    h.dispatcher.onCaseChange(change('updated', aCase({ status: 'closed', severity: 'critical' })));
    await h.settled(2);
    const rest = peer.requests.slice(1).map((r) => [r.method, r.path]);
    assert.deepEqual(rest, [
      ['PUT', '/rest/api/2/issue/SEC-1'],
      ['GET', '/rest/api/2/issue/SEC-1/transitions'],
      ['POST', '/rest/api/2/issue/SEC-1/transitions'],
    ]);
    const put = JSON.parse(peer.requests[1]!.body) as { fields: Record<string, unknown> };
    assert.deepEqual(put.fields['priority'], { name: 'Highest' });
    assert.equal(put.fields['project'], undefined, 'updates do not move the issue');
    assert.deepEqual(JSON.parse(peer.requests[3]!.body), { transition: { id: '21' } });
    assert.equal(peer.issues.get('SEC-1')!.status, 'Done');
    assert.equal(h.stores.deliveries.getRef('jira', 7)!.syncedStatus, 'closed');

    // Another change with the same status: an update, no second transition.
    h.dispatcher.onCaseChange(change('updated', aCase({ status: 'closed', title: 'Renamed' })));
    await h.settled(3);
    assert.deepEqual(peer.requests.slice(4).map((r) => r.method), ['PUT']);
    const [last] = h.stores.deliveries.list().deliveries;
    assert.match(h.stores.deliveries.attempts([last!.id])[0]!.detail!, /updated SEC-1/);
  } finally {
    await h.dispatcher.stop();
    h.stores.close();
    await peer.close();
  }
});

test('Jira: Bearer auth; a case created in progress is transitioned right after creation', async () => {
  const peer = await new JiraPeer(`Bearer ${JIRA_TOKEN}`).listen();
  const h = harness({
    kind: 'jira', name: 'jira', url: `${peer.url}/`, project: 'IR', issueType: 'Incident', auth: { type: 'bearer', token: JIRA_TOKEN },
    priorities: JIRA_DEFAULT_PRIORITIES, transitions: JIRA_DEFAULT_TRANSITIONS,
  });
  try {
    h.dispatcher.onCaseChange(change('created', aCase({ status: 'in-progress', tags: [] })));
    await h.settled(1);
    assert.deepEqual(peer.requests.map((r) => [r.method, r.path, r.headers.authorization]), [
      ['POST', '/rest/api/2/issue', `Bearer ${JIRA_TOKEN}`],
      ['GET', '/rest/api/2/issue/IR-1/transitions', `Bearer ${JIRA_TOKEN}`],
      ['POST', '/rest/api/2/issue/IR-1/transitions', `Bearer ${JIRA_TOKEN}`],
    ]);
    assert.equal(peer.issues.get('IR-1')!.status, 'In Progress');
    assert.deepEqual((JSON.parse(peer.requests[0]!.body) as { fields: { issuetype: unknown } }).fields.issuetype, { name: 'Incident' });
  } finally {
    await h.dispatcher.stop();
    h.stores.close();
    await peer.close();
  }
});

test('ServiceNow: create an incident with correlation_id, remember sys_id and number, PATCH on change', async () => {
  const peer = await new ServiceNowPeer(`Bearer ${SN_TOKEN}`).listen();
  const h = harness({
    kind: 'servicenow', name: 'snow', url: peer.url, auth: { type: 'bearer', token: SN_TOKEN },
    urgency: SN_DEFAULT_URGENCY, impact: SN_DEFAULT_IMPACT, states: SN_DEFAULT_STATES,
  });
  try {
    h.dispatcher.onCaseChange(change('created', aCase()));
    await h.settled(1);
    const create = peer.requests[0]!;
    assert.equal(create.method, 'POST');
    assert.equal(create.path, '/api/now/table/incident');
    assert.equal(create.headers.authorization, `Bearer ${SN_TOKEN}`);
    assert.deepEqual(JSON.parse(create.body), {
      short_description: '[Vigil #7] Phishing: invoice.pdf.exe',
      description: 'User reported a phishing mail.\n\nSeverity: high | TLP: AMBER | Owner: alice\nTags: phishing, mail gateway\nCase: https://vigil.local/cases/7',
      correlation_id: 'vigil-case-7',
      urgency: '1',
      impact: '2',
      state: '1',
    });
    const ref = h.stores.deliveries.getRef('snow', 7)!;
    assert.match(ref.ticketKey, /^[0-9a-f]{32}$/);
    assert.equal(ref.alias, 'INC0000001');

    h.dispatcher.onCaseChange(change('updated', aCase({ status: 'closed', severity: 'low' })));
    await h.settled(2);
    const patch = peer.requests[1]!;
    assert.equal(patch.method, 'PATCH');
    assert.equal(patch.path, `/api/now/table/incident/${ref.ticketKey}`);
    const incident = peer.incidents.get(ref.ticketKey)!;
    assert.deepEqual([incident['state'], incident['urgency'], incident['impact']], ['7', '3', '3']);
  } finally {
    await h.dispatcher.stop();
    h.stores.close();
    await peer.close();
  }
});
