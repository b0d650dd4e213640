/**
 * Alert triage and SOC metrics against a running server over HTTP, on a scripted clock: every alert is
 * created, acknowledged and closed at a known instant, so MTTD/MTTA/MTTR and the SLA breaches are exact.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken } from '../api/auth.js';
import type { RunningVigil } from './start.js';
import { bearer, jsonClient, startTestServer, type TestServer } from './testing/kit.js';

const ADMIN = 'triage-admin-token-0123456789';
const VIEWER = 'triage-viewer-token-0123456789';
const PASSWORD = 'triage password 1234';
const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 2, 1, 10, 0, 0);

const RULES = {
  'certutil.yml': `
title: Certutil download
id: 33333333-3333-4333-8333-333333333333
level: high
logsource: { product: windows, category: process_creation }
detection:
  selection: { Image|endswith: '\\certutil.exe' }
  condition: selection
`,
  'whoami.yml': `
title: Whoami as critical
id: 44444444-4444-4444-8444-444444444444
level: critical
logsource: { product: windows, category: process_creation }
detection:
  selection: { Image|endswith: '\\whoami.exe' }
  condition: selection
`,
};
const CERTUTIL = '33333333-3333-4333-8333-333333333333';
const WHOAMI = '44444444-4444-4444-8444-444444444444';

function sysmon(host: string, eventTime: number, image: string): Record<string, unknown> {
  return {
    Event: {
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational',
        Computer: host, TimeCreated: { '#attributes': { SystemTime: new Date(eventTime).toISOString() } },
      },
      EventData: { Image: `C:\\Windows\\System32\\${image}`, CommandLine: image, User: 'CORP\\svc' },
    },
  };
}

let server: TestServer;
let vigil: RunningVigil;
let clock = T0;
const admin = bearer(ADMIN);
const viewer = bearer(VIEWER);
let alice: Record<string, string>;

const call = jsonClient(() => vigil.url, admin);

/** Ingests one event at the current clock and returns the alert it raised. */
async function raise(host: string, eventTime: number, image: string): Promise<number> {
  const r = await call('POST', '/api/v1/events', sysmon(host, eventTime, image));
  assert.equal(r.status, 200, r.text);
  await vigil.detection.stage.idle();
  const list = await call('GET', `/api/v1/alerts?host=${encodeURIComponent(host)}&from=${clock}&limit=10`);
  const found = (list.json.alerts as { id: number; firstSeen: number }[]).find((a) => a.firstSeen === clock);
  assert.ok(found, `an alert for ${host} at ${clock}`);
  return found.id;
}

const ids: Record<string, number> = {};

before(async () => {
  server = await startTestServer('triage', {
    adminToken: ADMIN, rules: RULES, now: () => clock, sla: { medium: { acknowledgeMs: 2 * HOUR, resolveMs: 5 * 24 * HOUR } },
  });
  vigil = server.vigil;
  vigil.stores.tokens.add({ name: 'vera', hash: hashToken(VIEWER), role: 'viewer' });
  const system = { actor: { kind: 'system', name: 'test' }, role: 'admin' };
  await vigil.identity.users.create(system, { username: 'alice', role: 'analyst', password: PASSWORD });
  await vigil.identity.users.create(system, { username: 'bob', role: 'responder', password: PASSWORD });
  const login = await fetch(`${vigil.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: PASSWORD }) });
  assert.equal(login.status, 200);
  const { csrfToken } = await login.json() as { csrfToken: string };
  alice = { cookie: login.headers.get('set-cookie')!.split(';')[0]!, 'x-csrf-token': csrfToken };

  // The scripted timeline's alerts: (host, event time, created).
  clock = T0;
  ids['a1'] = await raise('ws01', T0 - 2 * MIN, 'certutil.exe');
  clock = T0 + 10 * MIN;
  ids['a2'] = await raise('ws02', T0 + 9 * MIN, 'certutil.exe');
  clock = T0 + 20 * MIN;
  ids['a3'] = await raise('ws01', T0 + 15 * MIN, 'whoami.exe');
  clock = T0 + 30 * MIN;
  ids['a4'] = await raise('ws03', T0 + 30 * MIN, 'whoami.exe');
});

after(() => server.close());

test('new alerts start as new with their first event time; the old status name still filters', async () => {
  const a1 = (await call('GET', `/api/v1/alerts/${ids['a1']}`)).json;
  assert.deepEqual([a1.status, a1.eventTime, a1.firstSeen, a1.assignee, a1.disposition, a1.acknowledgedAt], ['new', T0 - 2 * MIN, T0, null, null, null]);
  assert.equal((await call('GET', '/api/v1/alerts?status=new')).json.total, 4);
  assert.equal((await call('GET', '/api/v1/alerts?status=open')).json.total, 4, "'open' is read as 'new'");
});

test('an analyst session triages: acknowledge + assign, in progress, close with a disposition; each change audited', async () => {
  const a1 = ids['a1']!;
  clock = T0 + 5 * MIN;
  const ack = await call('PATCH', `/api/v1/alerts/${a1}`, { status: 'acknowledged', assignee: 'alice' }, alice);
  assert.equal(ack.status, 200, ack.text);
  assert.deepEqual([ack.json.status, ack.json.assignee, ack.json.acknowledgedAt, ack.json.assignedAt], ['acknowledged', 'alice', T0 + 5 * MIN, T0 + 5 * MIN]);

  clock = T0 + 6 * MIN;
  assert.equal((await call('PATCH', `/api/v1/alerts/${a1}`, { status: 'in-progress' }, alice)).json.status, 'in-progress');

  const back = await call('PATCH', `/api/v1/alerts/${a1}`, { status: 'new' }, alice);
  assert.equal(back.status, 409);
  assert.equal(back.json.error.code, 'triage.transition');
  assert.match(back.json.error.message, /cannot go from 'in-progress' to 'new' \(allowed: closed\)/);

  const bare = await call('PATCH', `/api/v1/alerts/${a1}`, { status: 'closed' }, alice);
  assert.equal(bare.status, 400);
  assert.match(bare.json.error.message, /closing an alert needs a disposition/);
  const noReason = await call('PATCH', `/api/v1/alerts/${a1}`, { status: 'closed', disposition: 'true-positive' }, alice);
  assert.equal(noReason.status, 400);
  assert.match(noReason.json.error.message, /needs a reason/);
  const notClosing = await call('PATCH', `/api/v1/alerts/${a1}`, { disposition: 'true-positive', reason: 'x' }, alice);
  assert.equal(notClosing.status, 400);
  assert.match(notClosing.json.error.message, /only given when closing/);
  const badDisposition = await call('PATCH', `/api/v1/alerts/${a1}`, { status: 'closed', disposition: 'maybe', reason: 'x' }, alice);
  assert.equal(badDisposition.status, 400);
  assert.match(badDisposition.json.error.message, /disposition: must be one of true-positive, benign-true-positive, false-positive, duplicate/);
  assert.equal((await call('PATCH', `/api/v1/alerts/${a1}`, { colour: 'red' }, alice)).status, 400);
  assert.equal((await call('PATCH', `/api/v1/alerts/${a1}`, { status: 'bogus' }, alice)).status, 400);
  assert.equal((await call('GET', `/api/v1/alerts/${a1}`)).json.status, 'in-progress', 'refused changes changed nothing');

  clock = T0 + 2 * HOUR;
  const closed = await call('PATCH', `/api/v1/alerts/${a1}`, { status: 'closed', disposition: 'true-positive', reason: 'confirmed download of a payload' }, alice);
  assert.equal(closed.status, 200, closed.text);
  assert.deepEqual([closed.json.status, closed.json.disposition, closed.json.reason, closed.json.closedAt], ['closed', 'true-positive', 'confirmed download of a payload', T0 + 2 * HOUR]);
  const again = await call('PATCH', `/api/v1/alerts/${a1}`, { status: 'closed', disposition: 'duplicate', reason: 'x' }, alice);
  assert.equal(again.status, 409);
  assert.match(again.json.error.message, /already closed/);

  const audit = vigil.audit.list({ action: 'alert.update', targetId: String(a1) }).records.reverse();
  assert.equal(audit.length, 3);
  assert.deepEqual(audit.map((r) => [r.actor.kind, r.actor.name]), [['user', 'alice'], ['user', 'alice'], ['user', 'alice']]);
  assert.deepEqual(audit[0]!.before, { status: 'new', acknowledgedAt: null, assignee: null, assignedAt: null });
  assert.deepEqual(audit[0]!.after, { status: 'acknowledged', acknowledgedAt: T0 + 5 * MIN, assignee: 'alice', assignedAt: T0 + 5 * MIN });
  assert.deepEqual(audit[2]!.after, { status: 'closed', disposition: 'true-positive', reason: 'confirmed download of a payload', closedAt: T0 + 2 * HOUR });
  assert.equal(vigil.audit.verify().ok, true);
});

test('viewers read but cannot triage; assignees must be known users; unassigning clears the assignment', async () => {
  const a2 = ids['a2']!;
  assert.equal((await call('GET', `/api/v1/alerts/${a2}`, undefined, viewer)).status, 200);
  const denied = await call('PATCH', `/api/v1/alerts/${a2}`, { status: 'acknowledged' }, viewer);
  assert.equal(denied.status, 403);
  assert.equal(denied.json.error.code, 'api.forbidden');
  assert.equal((await call('POST', '/api/v1/alerts/bulk', { ids: [a2], change: { status: 'acknowledged' } }, viewer)).status, 403);

  const ghost = await call('PATCH', `/api/v1/alerts/${a2}`, { assignee: 'mallory' });
  assert.equal(ghost.status, 400);
  assert.match(ghost.json.error.message, /assignee 'mallory' is not a known user/);
  const bob = await call('PATCH', `/api/v1/alerts/${a2}`, { assignee: 'BOB' });
  assert.deepEqual([bob.json.assignee, bob.json.assignedAt, bob.json.status], ['bob', clock, 'new'], 'stored as the user spells it; status untouched');
  const none = await call('PATCH', `/api/v1/alerts/${a2}`, { assignee: null });
  assert.deepEqual([none.json.assignee, none.json.assignedAt], [null, null]);
  const rec = vigil.audit.list({ action: 'alert.update', targetId: String(a2) }).records[0]!;
  assert.deepEqual([rec.actor.name, rec.before, rec.after], ['admin', { assignee: 'bob', assignedAt: clock }, { assignee: null, assignedAt: null }]);
});

test('closing straight from new counts as the acknowledgement; reopening clears the disposition', async () => {
  const a2 = ids['a2']!;
  clock = T0 + 100 * MIN;
  const closed = await call('PATCH', `/api/v1/alerts/${a2}`, { status: 'closed', disposition: 'false-positive', reason: 'admin testing' });
  assert.deepEqual([closed.json.acknowledgedAt, closed.json.closedAt], [T0 + 100 * MIN, T0 + 100 * MIN]);
  const reopened = await call('PATCH', `/api/v1/alerts/${a2}`, { status: 'acknowledged' });
  assert.equal(reopened.status, 200);
  assert.deepEqual([reopened.json.status, reopened.json.disposition, reopened.json.reason, reopened.json.closedAt, reopened.json.acknowledgedAt],
    ['acknowledged', null, null, null, T0 + 100 * MIN]);
  const reclosed = await call('PATCH', `/api/v1/alerts/${a2}`, { status: 'closed', disposition: 'false-positive', reason: 'admin testing, checked twice' });
  assert.equal(reclosed.json.status, 'closed');
});

test('bulk changes are all or nothing and bounded', async () => {
  const { a1, a3, a4 } = ids as { a1: number; a3: number; a4: number };
  clock = T0 + 40 * MIN;
  const missing = await call('POST', '/api/v1/alerts/bulk', { ids: [a3, a4, 999999], change: { status: 'acknowledged' } });
  assert.equal(missing.status, 404);
  assert.match(missing.json.error.message, /alerts not found: 999999; nothing was changed/);
  const conflict = await call('POST', '/api/v1/alerts/bulk', { ids: [a3, a1], change: { status: 'in-progress' } });
  assert.equal(conflict.status, 409);
  assert.match(conflict.json.error.message, new RegExp(`alert ${a1} cannot go from 'closed' to 'in-progress'.*nothing was changed`));
  const noDisposition = await call('POST', '/api/v1/alerts/bulk', { ids: [a3, a4], change: { status: 'closed', reason: 'x' } });
  assert.equal(noDisposition.status, 400);
  for (const id of [a3, a4]) assert.equal((await call('GET', `/api/v1/alerts/${id}`)).json.status, 'new', `alert ${id} untouched`);
  assert.equal((await call('POST', '/api/v1/alerts/bulk', { ids: Array.from({ length: 501 }, (_, i) => i + 1), change: { status: 'acknowledged' } })).status, 400);
  assert.equal((await call('POST', '/api/v1/alerts/bulk', { ids: [a3, a3], change: { status: 'acknowledged' } })).status, 400);
  assert.equal((await call('POST', '/api/v1/alerts/bulk', { ids: [], change: { status: 'acknowledged' } })).status, 400);

  const ok = await call('POST', '/api/v1/alerts/bulk', { ids: [a3, a4], change: { status: 'acknowledged', assignee: 'bob' } }, alice);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.changed, 2);
  assert.deepEqual(ok.json.alerts.map((a: { status: string; assignee: string; acknowledgedAt: number }) => [a.status, a.assignee, a.acknowledgedAt]),
    [['acknowledged', 'bob', T0 + 40 * MIN], ['acknowledged', 'bob', T0 + 40 * MIN]]);
  assert.equal(vigil.audit.list({ action: 'alert.update', targetId: String(a4) }).total, 1);
});

test('linking an alert to a case moves it to in-progress; closing the case gives case MTTR', async () => {
  const { a3, a4 } = ids as { a3: number; a4: number };
  clock = T0 + 45 * MIN;
  const c = await call('POST', '/api/v1/cases', { alertIds: [a4] }, alice);
  assert.equal(c.status, 201, c.text);
  const a = (await call('GET', `/api/v1/alerts/${a4}`)).json;
  assert.equal(a.status, 'in-progress');
  const rec = vigil.audit.list({ action: 'alert.update', targetId: String(a4) }).records[0]!;
  assert.deepEqual([rec.actor.name, rec.before, rec.after], [`case ${c.json.case.id}`, { status: 'acknowledged' }, { status: 'in-progress' }]);
  clock = T0 + 3 * HOUR + 45 * MIN;
  assert.equal((await call('PATCH', `/api/v1/cases/${c.json.case.id}`, { status: 'closed' }, alice)).status, 200);

  clock = T0 + 20 * MIN + 3 * HOUR;
  const closed = await call('PATCH', `/api/v1/alerts/${a3}`, { status: 'closed', disposition: 'benign-true-positive', reason: 'scheduled inventory script' }, alice);
  assert.equal(closed.status, 200, closed.text);
});

test('list filters and paging', async () => {
  const { a1, a2, a3, a4 } = ids as Record<string, number>;
  const list = async (qs: string): Promise<number[]> => {
    const r = await call('GET', `/api/v1/alerts?${qs}`);
    assert.equal(r.status, 200, `${qs}: ${r.text}`);
    return (r.json.alerts as { id: number }[]).map((x) => x.id).sort((x, y) => x - y);
  };
  assert.deepEqual(await list('status=closed'), [a1, a2, a3]);
  assert.deepEqual(await list('status=in-progress,new'), [a4]);
  assert.deepEqual(await list('assignee=bob'), [a3, a4]);
  assert.deepEqual(await list('assignee=none'), [a2]);
  assert.deepEqual(await list('level=critical'), [a3, a4]);
  assert.deepEqual(await list(`rule=${CERTUTIL}`), [a1, a2]);
  assert.deepEqual(await list('host=ws01'), [a1, a3]);
  assert.deepEqual(await list('q=WHOAMI'), [a3, a4]);
  assert.deepEqual(await list(`from=${new Date(T0 + 15 * MIN).toISOString()}&to=${T0 + 25 * MIN}`), [a3]);
  assert.deepEqual(await list(`user=${encodeURIComponent('nobody')}`), []);
  const page = await call('GET', '/api/v1/alerts?limit=1&offset=1&status=closed');
  assert.deepEqual([page.json.total, page.json.alerts.length, page.json.limit, page.json.offset], [3, 1, 1, 1]);
  assert.equal((await call('GET', '/api/v1/alerts?from=yesterday')).status, 400);
  assert.equal((await call('GET', '/api/v1/alerts?status=done')).status, 400);
});

test('grouped view: by rule, host or user within a window, with counts and first/last seen', async () => {
  const { a1, a2, a3, a4 } = ids as Record<string, number>;
  const byRule = await call('GET', '/api/v1/alerts/groups?by=rule&window=1h');
  assert.equal(byRule.status, 200, byRule.text);
  const rows = (byRule.json.groups as { key: string; windowStart: number; alerts: number; firstSeen: number; lastSeen: number; alertIds: number[]; statuses: Record<string, number> }[])
    .map((g) => [g.key, g.windowStart, g.alerts, g.firstSeen, g.lastSeen, g.alertIds, g.statuses]).sort();
  assert.deepEqual(rows, [
    [CERTUTIL, T0, 2, T0, T0 + 10 * MIN, [a2, a1], { closed: 2 }],
    [WHOAMI, T0, 2, T0 + 20 * MIN, T0 + 30 * MIN, [a4, a3], { closed: 1, 'in-progress': 1 }],
  ]);
  const byHost = await call('GET', '/api/v1/alerts/groups?by=host&window=1h');
  assert.deepEqual((byHost.json.groups as { key: string; alerts: number }[]).map((g) => [g.key, g.alerts]).sort(), [['ws01', 2], ['ws02', 1], ['ws03', 1]]);
  const narrow = await call('GET', '/api/v1/alerts/groups?by=rule&window=5m');
  assert.equal(narrow.json.total, 4);
  const open = await call('GET', '/api/v1/alerts/groups?by=user&window=1d&status=in-progress');
  assert.deepEqual(open.json.groups.map((g: { alerts: number }) => g.alerts), [1]);
  assert.equal((await call('GET', '/api/v1/alerts/groups?by=colour')).status, 400);
  assert.equal((await call('GET', '/api/v1/alerts/groups?window=0m')).status, 400);
});

test('SOC metrics match the scripted timeline', async () => {
  clock = T0 + 5 * HOUR;
  const { a1, a2, a3, a4 } = ids as Record<string, number>;
  const r = await call('GET', `/api/v1/metrics/soc?from=${T0 - HOUR}&to=${new Date(T0 + 24 * HOUR).toISOString()}&by=analyst`, undefined, viewer);
  assert.equal(r.status, 200, r.text);
  const m = r.json;
  assert.deepEqual([m.from, m.to, m.asOf, m.by], [T0 - HOUR, T0 + 24 * HOUR, T0 + 5 * HOUR, 'analyst']);
  assert.deepEqual([m.alerts.total, m.alerts.closed], [4, 3]);
  // Event -> alert: 2m, 1m, 5m, 0.
  assert.deepEqual(m.alerts.mttd, { count: 4, mean: 2 * MIN, median: 1.5 * MIN, p90: 5 * MIN });
  // Alert -> acknowledged: 5m (a1), 90m (a2, closed from new), 20m (a3), 10m (a4).
  assert.deepEqual(m.alerts.mtta, { count: 4, mean: 31.25 * MIN, median: 15 * MIN, p90: 90 * MIN });
  // Alert -> closed: 2h, 90m, 3h.
  assert.deepEqual(m.alerts.mttr, { count: 3, mean: 130 * MIN, median: 2 * HOUR, p90: 3 * HOUR });
  assert.deepEqual(m.cases, { created: 1, mttr: { count: 1, mean: 3 * HOUR, median: 3 * HOUR, p90: 3 * HOUR } });

  assert.deepEqual(m.sla.high, { acknowledgeTargetMs: HOUR, resolveTargetMs: 24 * HOUR, alerts: 2, acknowledge: { breaches: 1, alertIds: [a2] }, resolve: { breaches: 0, alertIds: [] } });
  // a4 is still open at 5h: 4.5h past its creation, over the critical 4h.
  assert.deepEqual(m.sla.critical, { acknowledgeTargetMs: 15 * MIN, resolveTargetMs: 4 * HOUR, alerts: 2, acknowledge: { breaches: 1, alertIds: [a3] }, resolve: { breaches: 1, alertIds: [a4] } });
  assert.deepEqual([m.sla.medium.acknowledgeTargetMs, m.sla.medium.resolveTargetMs, m.sla.low.acknowledgeTargetMs], [2 * HOUR, 5 * 24 * HOUR, 24 * HOUR], 'configured and default targets');

  const precision = Object.fromEntries((m.precision as { ruleId: string; closed: number; precision: number; counts: Record<string, number> }[]).map((p) => [p.ruleId, [p.closed, p.precision, p.counts['false-positive']]]));
  assert.deepEqual(precision, { [CERTUTIL]: [2, 0.5, 1], [WHOAMI]: [1, 1, 0] });
  assert.deepEqual(m.volume, [{ day: '2025-03-01', alerts: 4, occurrences: 4 }]);

  const groups = Object.fromEntries((m.groups as { key: string; alerts: number; mtta: { median: number }; mttr: { count: number } }[]).map((g) => [g.key, [g.alerts, g.mtta.median, g.mttr.count]]));
  assert.deepEqual(groups, { alice: [1, 5 * MIN, 1], bob: [2, 15 * MIN, 1], '(unassigned)': [1, 90 * MIN, 1] });

  const bySeverity = (await call('GET', `/api/v1/metrics/soc?from=${T0 - HOUR}&to=${T0 + HOUR}&by=severity`)).json;
  assert.deepEqual(bySeverity.groups.map((g: { key: string; mttr: { mean: number } }) => [g.key, g.mttr.mean]).sort(), [['critical', 3 * HOUR], ['high', 105 * MIN]]);
  const byRule = (await call('GET', `/api/v1/metrics/soc?from=${T0 - HOUR}&to=${T0 + HOUR}&by=rule`)).json;
  assert.deepEqual(byRule.groups.map((g: { key: string; title: string }) => [g.key, g.title]).sort(), [[CERTUTIL, 'Certutil download'], [WHOAMI, 'Whoami as critical']]);

  const later = (await call('GET', `/api/v1/metrics/soc?from=${T0 + HOUR}&to=${T0 + 2 * HOUR}`)).json;
  assert.deepEqual([later.alerts.total, later.alerts.mtta.count, later.alerts.mtta.mean, later.volume], [0, 0, null, []]);
  assert.equal((await call('GET', '/api/v1/metrics/soc?by=colour')).status, 400);
  assert.equal((await call('GET', `/api/v1/metrics/soc?from=${T0}&to=${T0}`)).status, 400);
  assert.equal((await call('GET', `/api/v1/metrics/soc?from=0&to=${T0}`)).status, 400, 'ranges are bounded');
  void [a1];
});
