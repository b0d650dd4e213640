/**
 * Suppressions and rule exceptions over real HTTP against a running Vigil: matches they hold back are
 * not alerted yet kept, counted and listable; expiry ends a window; exceptions apply per event (core
 * and original fields); the backtest counts on a scripted set; every change is audited; viewers and
 * analysts cannot change tuning.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken } from '../api/auth.js';
import type { RunningVigil } from './start.js';
import { bearer, jsonClient, startTestServer, sysmonProcess, type JsonAnswer, type TestServer } from './testing/kit.js';

const TOKEN = 'tuning-admin-token-0123456789';
const VIEWER = 'tuning-viewer-token-0123456789';
const ANALYST = 'tuning-analyst-token-0123456789';
const ENGINEER = 'tuning-engineer-token-0123456789';
const RULE_ID = '33333333-3333-4333-8333-333333333333';
const RULE = `
title: Certutil download
id: ${RULE_ID}
level: high
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\certutil.exe'
    CommandLine|contains: 'urlcache'
  condition: selection
`;

const sysmon = (host: string, url: string, user = 'CORP\\alice'): Record<string, unknown> =>
  sysmonProcess({ host, user, image: 'C:\\Windows\\System32\\certutil.exe', commandLine: `certutil.exe -urlcache -split -f ${url} out.bin` });

let server: TestServer;
let vigil: RunningVigil;
const client = jsonClient(() => vigil.url);

function call(method: string, path: string, body?: unknown, token = TOKEN): Promise<JsonAnswer> {
  return client(method, path, body, { ...bearer(token), 'content-type': 'application/json' });
}

async function ingest(...events: Record<string, unknown>[]): Promise<void> {
  const r = await call('POST', '/api/v1/events', events);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.accepted, events.length, r.text);
  await vigil.detection.stage.idle();
}

interface AlertView { id: number; hostName: string; count: number; eventIds: number[] }

async function alertsOf(host: string): Promise<AlertView[]> {
  const list = await call('GET', '/api/v1/alerts?limit=500');
  assert.equal(list.status, 200, list.text);
  return (list.json.alerts as AlertView[]).filter((a) => a.hostName === host);
}

const inAnHour = (): string => new Date(Date.now() + 3600_000).toISOString();

before(async () => {
  server = await startTestServer('tuning', { adminToken: TOKEN, rules: { 'certutil.yml': RULE } });
  vigil = server.vigil;
  vigil.stores.tokens.add({ name: 'vera', hash: hashToken(VIEWER), role: 'viewer' });
  vigil.stores.tokens.add({ name: 'ann', hash: hashToken(ANALYST), role: 'analyst' });
  vigil.stores.tokens.add({ name: 'dee', hash: hashToken(ENGINEER), role: 'detection-engineer' });
});

after(() => server.close());

test('a maintenance window hides matching alerts, counts them, lists them; expiry ends it', async () => {
  const created = await call('POST', '/api/v1/suppressions', { host: 'maint-01', expires: inAnHour(), reason: 'patch night CHG-1234' }, ENGINEER);
  assert.equal(created.status, 201, created.text);
  const s = created.json;
  assert.equal(s.owner, 'dee');
  assert.equal(s.hits, 0);

  await ingest(sysmon('maint-01', 'http://a.example/1'), sysmon('MAINT-01', 'http://a.example/2'), sysmon('web-01', 'http://a.example/3'));
  assert.equal((await alertsOf('web-01')).length, 1, 'the other host still alerts');
  assert.equal((await alertsOf('maint-01')).length + (await alertsOf('MAINT-01')).length, 0, 'the window hides the host (case-insensitive)');

  const after = await call('GET', `/api/v1/suppressions/${s.id}`, undefined, ANALYST);
  assert.equal(after.status, 200, after.text);
  assert.equal(after.json.hits, 2, 'both occurrences are counted');
  const held = await call('GET', `/api/v1/suppressed-alerts?suppression=${s.id}`, undefined, VIEWER);
  assert.equal(held.status, 200, held.text);
  // Held matches group like alerts do (rule + host.name as written), so the two spellings are two rows.
  const rows = held.json.alerts as { count: number; eventIds: number[]; ruleId: string; hostName: string }[];
  assert.deepEqual(rows.map((a) => a.hostName).sort(), ['MAINT-01', 'maint-01']);
  assert.equal(rows.reduce((n, a) => n + a.count, 0), 2);
  assert.ok(rows.every((a) => a.ruleId === RULE_ID && a.eventIds.length === 1), 'the events are kept');
  for (const a of rows) assert.equal((await call('GET', `/api/v1/events/${a.eventIds[0]}`)).status, 200);
  assert.equal((await call('GET', '/api/v1/suppressed-alerts?by=suppression&rule=' + RULE_ID)).json.total, 2);

  // End the window a moment from now: later matches alert again.
  const ended = await call('PATCH', `/api/v1/suppressions/${s.id}`, { expires: Date.now() + 30 });
  assert.equal(ended.status, 200, ended.text);
  await new Promise((r) => setTimeout(r, 60));
  await ingest(sysmon('maint-01', 'http://a.example/4'));
  const alerted = await alertsOf('maint-01');
  assert.equal(alerted.length, 1, 'after expiry the host alerts');
  assert.equal(alerted[0]!.count, 1);
  assert.equal((await call('GET', `/api/v1/suppressions/${s.id}`)).json.hits, 2, 'nothing more is held after expiry');
});

test('a hunt-query suppression matches wildcards and original fields; pipes and bad syntax are refused with where', async () => {
  const bad = await call('POST', '/api/v1/suppressions', { query: 'host.name:lab-* | stats count()', expires: inAnHour(), reason: 'x' });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error.code, 'tuning.query.pipes');
  const syntax = await call('POST', '/api/v1/suppressions', { query: 'host.name:(lab', expires: inAnHour(), reason: 'x' });
  assert.equal(syntax.status, 400, syntax.text);
  assert.ok(syntax.json.error.column >= 1, syntax.text);
  const none = await call('POST', '/api/v1/suppressions', { expires: inAnHour(), reason: 'x' });
  assert.equal(none.status, 400);
  assert.equal(none.json.error.field, 'ruleId');

  const q = await call('POST', '/api/v1/suppressions', {
    ruleId: RULE_ID, query: 'host.name:lab-* and Event.EventData.User:"CORP\\\\svc-scan"', expires: inAnHour(), reason: 'scanner lab',
  });
  assert.equal(q.status, 201, q.text);
  await ingest(sysmon('lab-7', 'http://b.example/1', 'CORP\\svc-scan'), sysmon('lab-8', 'http://b.example/2', 'CORP\\alice'));
  assert.equal((await alertsOf('lab-7')).length, 0);
  assert.equal((await alertsOf('lab-8')).length, 1, 'another user on a lab host still alerts');
  assert.equal((await call('GET', `/api/v1/suppressions/${q.json.id}`)).json.hits, 1);
});

test('a rule exception stops alerts for matching events only and counts them', async () => {
  const bad = await call('POST', `/api/v1/rules/${RULE_ID}/exceptions`, { conditions: [{ field: 'process.command_line', op: 'regex', value: '(' }], reason: 'x', expires: inAnHour() });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error.field, 'conditions[0].value');

  const ex = await call('POST', `/api/v1/rules/${RULE_ID}/exceptions`, {
    conditions: [
      { field: 'process.command_line', op: 'contains', value: 'BACKUP.EXE' },
      { field: 'Event.EventData.User', op: 'regex', value: '^CORP\\\\svc-' },
    ],
    reason: 'nightly backup job', expires: inAnHour(),
  }, ENGINEER);
  assert.equal(ex.status, 201, ex.text);

  await ingest(
    sysmon('db-01', 'http://c.example/backup.exe', 'CORP\\svc-backup'),
    sysmon('db-01', 'http://c.example/backup.exe', 'CORP\\alice'),
    sysmon('db-01', 'http://c.example/other.exe', 'CORP\\svc-backup'),
  );
  const alerts = await alertsOf('db-01');
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.count, 2, 'only the event meeting every condition is excepted');
  const got = await call('GET', `/api/v1/rules/${RULE_ID}/exceptions/${ex.json.id}`, undefined, ANALYST);
  assert.equal(got.json.hits, 1);
  const held = await call('GET', `/api/v1/suppressed-alerts?exception=${ex.json.id}`);
  assert.equal(held.json.total, 1);
  assert.equal(held.json.alerts[0].by, 'exception');
  const listed = await call('GET', `/api/v1/rules/${RULE_ID}/exceptions`);
  assert.deepEqual(listed.json.exceptions.map((e: { id: number }) => e.id), [ex.json.id]);

  const removed = await call('DELETE', `/api/v1/rules/${RULE_ID}/exceptions/${ex.json.id}`);
  assert.equal(removed.status, 200, removed.text);
  await ingest(sysmon('db-01', 'http://c.example/backup.exe', 'CORP\\svc-backup'));
  assert.equal((await alertsOf('db-01'))[0]!.count, 3, 'a removed exception no longer applies');
  assert.equal((await call('GET', `/api/v1/rules/${RULE_ID}/exceptions`)).json.exceptions.length, 0);
  assert.equal((await call('GET', `/api/v1/rules/${RULE_ID}/exceptions?all=true`)).json.exceptions.length, 1, 'kept for the record');
  assert.equal((await call('GET', `/api/v1/suppressed-alerts?exception=${ex.json.id}`)).json.total, 1, 'its held matches stay');
});

test('backtest: how many of the rule\'s recent alerts a candidate would have hidden', async () => {
  await ingest(
    sysmon('bt-c', 'http://nightly.example/1'), sysmon('bt-c', 'http://nightly.example/2'),
    sysmon('bt-d', 'http://nightly.example/3'), sysmon('bt-d', 'http://day.example/4'),
  );
  const c = (await alertsOf('bt-c'))[0]!;
  const r = await call('POST', `/api/v1/rules/${RULE_ID}/exceptions/backtest`, { conditions: [{ field: 'process.command_line', op: 'contains', value: 'nightly.example' }] }, ANALYST);
  assert.equal(r.status, 200, r.text);
  const all = await call('GET', '/api/v1/alerts?limit=500');
  const ofRule = (all.json.alerts as { ruleId: string }[]).filter((a) => a.ruleId === RULE_ID).length;
  assert.equal(r.json.alertsScanned, ofRule);
  assert.equal(r.json.alertsHidden, 1);
  assert.deepEqual(r.json.hidden, [c.id]);
  assert.equal(r.json.occurrencesHidden, 2);
  assert.equal(r.json.alertsPartial, 1, 'bt-d would stay with a lower count');
  assert.equal(r.json.eventsMatched, 3);
  assert.equal(r.json.truncated, false);
  assert.equal(r.json.to - r.json.from, 30 * 24 * 3600_000);

  const other = await call('POST', '/api/v1/rules/no-such-rule/exceptions/backtest', { conditions: [{ field: 'host.name', op: 'equals', value: 'bt-c' }] });
  assert.equal(other.json.alertsScanned, 0);
  const cidr = await call('POST', `/api/v1/rules/${RULE_ID}/exceptions/backtest`, { conditions: [{ field: 'source.ip', op: 'cidr', value: 'not-a-net' }] });
  assert.equal(cidr.status, 400);
});

test('viewers and analysts cannot change tuning; every change is audited with before and after', async () => {
  for (const token of [VIEWER, ANALYST]) {
    for (const [method, path] of [['POST', '/api/v1/suppressions'], ['PATCH', '/api/v1/suppressions/1'], ['DELETE', '/api/v1/suppressions/1'], ['POST', `/api/v1/rules/${RULE_ID}/exceptions`]] as const) {
      const r = await call(method, path, { host: 'x', expires: inAnHour(), reason: 'x' }, token);
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.json.error.code, 'api.forbidden');
    }
    assert.equal((await call('GET', '/api/v1/suppressions', undefined, token)).status, 200);
  }
  const s = await call('POST', '/api/v1/suppressions', { user: 'bob', expires: inAnHour(), reason: 'travel' });
  await call('PATCH', `/api/v1/suppressions/${s.json.id}`, { reason: 'travel to HQ' });
  const del = await call('DELETE', `/api/v1/suppressions/${s.json.id}`);
  assert.equal(del.status, 200);
  assert.ok(del.json.deleted > 0);
  assert.equal((await call('GET', '/api/v1/suppressions')).json.suppressions.some((x: { id: number }) => x.id === s.json.id), false);
  assert.equal((await call('DELETE', `/api/v1/suppressions/${s.json.id}`)).status, 404);

  const audit = await call('GET', '/api/v1/audit?limit=500');
  assert.equal(audit.status, 200, audit.text);
  const records = audit.json.records as { action: string; target: { type: string; id: string }; before: { reason?: string } | null; after: { reason?: string } | null; actor: { name: string } }[];
  const mine = records.filter((r) => r.target.type === 'suppression' && r.target.id === String(s.json.id)).map((r) => r.action).sort();
  assert.deepEqual(mine, ['suppression.create', 'suppression.delete', 'suppression.update']);
  const update = records.find((r) => r.action === 'suppression.update' && r.target.id === String(s.json.id))!;
  assert.equal(update.before!.reason, 'travel');
  assert.equal(update.after!.reason, 'travel to HQ');
  const actions = new Set(records.map((r) => r.action));
  for (const a of ['rule_exception.create', 'rule_exception.delete']) assert.ok(actions.has(a), a);
  assert.equal(records.find((r) => r.action === 'rule_exception.create')!.actor.name, 'dee');
  assert.equal((await call('GET', '/api/v1/audit/verify')).json.ok, true);
});
