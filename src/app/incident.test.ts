/**
 * One whole incident against a running server over HTTP, on a scripted clock: Sysmon events shipped
 * with an ingest token raise alerts; an analyst (console session + CSRF) acknowledges and assigns them,
 * promotes them to a case from the malware template and works its tasks; a responder notes containment;
 * the alerts are closed as true positives, the case resolved and closed with its RCA and post-incident
 * review; the Markdown report, the SOC metrics (exact durations), the audit log (actors, and the real
 * `vigil audit verify` CLI) and a signed ticketing webhook (a loopback receiver checking the HMAC) agree.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startVigil, type RunningVigil } from './start.js';

const BIN = fileURLToPath(new URL('../../../bin/vigil.js', import.meta.url));
const ADMIN = 'incident-admin-token-0123456789';
const HOOK_SECRET = 'incident-webhook-secret-0123456789';
const PASSWORD = 'incident password 1234';
const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);

const WHOAMI = '5a5a5a5a-0000-4000-8000-000000000001';
const POWERSHELL = '5a5a5a5a-0000-4000-8000-000000000002';
const RULES = {
  'whoami.yml': `
title: Whoami discovery
id: ${WHOAMI}
level: high
logsource: { product: windows, category: process_creation }
detection:
  selection: { Image|endswith: '\\whoami.exe' }
  condition: selection
`,
  'powershell-enc.yml': `
title: Encoded PowerShell command line
id: ${POWERSHELL}
level: high
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\powershell.exe'
    CommandLine|contains: ' -enc '
  condition: selection
`,
};

function sysmon(host: string, eventTime: number, image: string, commandLine: string): Record<string, unknown> {
  return {
    Event: {
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational',
        Computer: host, TimeCreated: { '#attributes': { SystemTime: new Date(eventTime).toISOString() } },
      },
      EventData: { Image: `C:\\Windows\\System32\\${image}`, CommandLine: commandLine, User: 'CORP\\jdoe', ParentImage: 'C:\\Windows\\explorer.exe' },
    },
  };
}

/** A ticketing endpoint as a customer would write one: verifies the HMAC over the raw body, else 401. */
interface Received { event: string; case: { id: number; status: string; title: string; severity: string }; delivery: string }
const received: Received[] = [];
const rejected: string[] = [];
let hook: Server;

function verifyHook(raw: Buffer, ts: string | undefined, sig: string | undefined): boolean {
  if (!ts || !sig || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const want = Buffer.from(`sha256=${createHmac('sha256', HOOK_SECRET).update(`${ts}.`).update(raw).digest('hex')}`);
  const got = Buffer.from(sig);
  return got.length === want.length && timingSafeEqual(got, want);
}

let dir: string;
let vigil: RunningVigil;
let clock = T0;
const admin = { authorization: `Bearer ${ADMIN}` };
let analyst: Record<string, string>;
let responder: Record<string, string>;
let ingestToken: string;

// JSON answers are read field by field; the assertions are the type checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = admin): Promise<{ status: number; json: Json; text: string }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const r = await fetch(`${vigil.url}${path}`, init);
  const text = await r.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: r.status, json, text };
}

async function ok(method: string, path: string, body: unknown, headers: Record<string, string>, status = 200): Promise<Json> {
  const r = await call(method, path, body, headers);
  assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
  return r.json;
}

async function login(username: string): Promise<Record<string, string>> {
  const r = await fetch(`${vigil.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  assert.equal(r.status, 200, await r.clone().text());
  const { csrfToken } = await r.json() as { csrfToken: string };
  return { cookie: r.headers.get('set-cookie')!.split(';')[0]!, 'x-csrf-token': csrfToken };
}

/** Waits for something the server does in the background (webhook deliveries); fails with `what` after 10s. */
async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ids = { powershell: 0, whoami: 0, case: 0, triageTask: 0, isolateTask: 0 };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-incident-'));
  mkdirSync(join(dir, 'rules'));
  for (const [name, text] of Object.entries(RULES)) writeFileSync(join(dir, 'rules', name), text);
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (!verifyHook(raw, req.headers['x-vigil-timestamp'] as string | undefined, req.headers['x-vigil-signature'] as string | undefined)) {
        rejected.push(String(req.headers['x-vigil-delivery']));
        res.writeHead(401).end();
        return;
      }
      const body = JSON.parse(raw.toString('utf8')) as Received;
      received.push({ event: body.event, case: body.case, delivery: String(req.headers['x-vigil-delivery']) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ticketKey: `INC-${body.case.id}` }));
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/vigil`;
  vigil = await startVigil({
    dataDir: join(dir, 'data'), port: 0, rules: [join(dir, 'rules')], log: () => {}, print: () => {},
    env: { VIGIL_ADMIN_TOKEN: ADMIN, VIGIL_HOOK_SECRET: HOOK_SECRET },
    ticketing: { targets: [{ name: 'soc-hook', kind: 'webhook', url: hookUrl, secretEnv: 'VIGIL_HOOK_SECRET' }] },
    now: () => clock,
  });
});

after(async () => {
  await vigil?.close();
  await new Promise<void>((r) => hook.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

test('an admin sets up the team: an analyst and a responder log in with sessions; a shipper gets an ingest token', async () => {
  for (const [username, role] of [['alice', 'analyst'], ['bob', 'responder']]) {
    const u = await ok('POST', '/api/v1/users', { username, role, password: PASSWORD }, admin, 201);
    assert.deepEqual([u.username, u.role], [username, role]);
  }
  analyst = await login('alice');
  responder = await login('bob');
  const t = await ok('POST', '/api/v1/tokens', { name: 'sysmon-shipper', role: 'ingest' }, admin, 201);
  ingestToken = t.token;
  assert.equal((await call('GET', '/api/v1/alerts', undefined, { authorization: `Bearer ${ingestToken}` })).status, 403, 'shippers read nothing');
  // A session without its CSRF token cannot change anything.
  const noCsrf = await call('POST', '/api/v1/cases', { title: 'x' }, { cookie: analyst['cookie']! });
  assert.equal(noCsrf.status, 403, noCsrf.text);
});

test('Sysmon events shipped over HTTP raise one alert per rule, each starting as new', async () => {
  clock = T0;
  const ndjson = [
    sysmon('ws-fin-07.corp.example', T0 - 3 * MIN, 'WindowsPowerShell\\v1.0\\powershell.exe', 'powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA='),
    sysmon('ws-fin-07.corp.example', T0 - 1 * MIN, 'whoami.exe', 'whoami /all'),
    sysmon('ws-fin-07.corp.example', T0 - 1 * MIN, 'notepad.exe', 'notepad.exe report.txt'),
  ].map((e) => JSON.stringify(e)).join('\n');
  const r = await fetch(`${vigil.url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/x-ndjson' }, body: ndjson });
  assert.equal(r.status, 200, await r.clone().text());
  assert.deepEqual(await r.json(), { accepted: 3, rejected: 0, errors: [] });
  await vigil.detection.stage.idle();

  const list = await ok('GET', '/api/v1/alerts?host=ws-fin-07.corp.example', undefined, analyst);
  assert.equal(list.total, 2);
  const byRule = new Map<string, Json>((list.alerts as Json[]).map((a) => [a.ruleId, a]));
  const ps = byRule.get(POWERSHELL);
  const who = byRule.get(WHOAMI);
  assert.ok(ps && who, 'both rules raised an alert');
  for (const a of [ps, who]) assert.deepEqual([a.status, a.firstSeen, a.assignee, a.hostName], ['new', T0, null, 'ws-fin-07.corp.example']);
  assert.deepEqual([ps.eventTime, who.eventTime], [T0 - 3 * MIN, T0 - 1 * MIN]);
  ids.powershell = ps.id;
  ids.whoami = who.id;
});

test('the analyst acknowledges and assigns, then promotes both alerts to a case from the malware template', async () => {
  clock = T0 + 10 * MIN;
  const ack = await ok('PATCH', `/api/v1/alerts/${ids.powershell}`, { status: 'acknowledged', assignee: 'alice' }, analyst);
  assert.deepEqual([ack.status, ack.assignee, ack.acknowledgedAt], ['acknowledged', 'alice', T0 + 10 * MIN]);
  clock = T0 + 14 * MIN;
  const bulk = await ok('POST', '/api/v1/alerts/bulk', { ids: [ids.whoami], change: { status: 'acknowledged', assignee: 'alice' } }, analyst);
  assert.equal(bulk.changed, 1);

  clock = T0 + 20 * MIN;
  const created = await ok('POST', '/api/v1/cases', {
    template: 'malware', title: 'Encoded PowerShell and discovery on ws-fin-07', owner: 'alice', alertIds: [ids.powershell, ids.whoami],
  }, analyst, 201);
  const c = created.case;
  ids.case = c.id;
  assert.deepEqual([c.template, c.severity, c.status, c.owner, c.createdBy, c.created], ['malware', 'high', 'open', 'alice', 'alice', T0 + 20 * MIN]);
  assert.deepEqual(created.alerts.map((l: Json) => l.alertId).sort(), [ids.powershell, ids.whoami].sort());
  assert.ok(created.observables.some((o: Json) => o.type === 'host' && o.value === 'ws-fin-07.corp.example'));
  const tasks = created.tasks as Json[];
  assert.equal(tasks.length, 12);
  ids.triageTask = tasks.find((t) => t.title.startsWith('Confirm the detection')).id;
  ids.isolateTask = tasks.find((t) => t.title.startsWith('Network-isolate')).id;
  for (const id of [ids.powershell, ids.whoami]) {
    assert.equal((await ok('GET', `/api/v1/alerts/${id}`, undefined, analyst)).status, 'in-progress', 'linking moves alerts to in-progress');
  }
  await until('the webhook to receive the new case', () => received.some((r) => r.case.id === ids.case));
  assert.equal(received[0]!.event, 'created');
  assert.deepEqual([received[0]!.case.title, received[0]!.case.severity], ['Encoded PowerShell and discovery on ws-fin-07', 'high']);
});

test('tasks are worked; the responder notes containment and marks the case contained', async () => {
  const c = `/api/v1/cases/${ids.case}`;
  clock = T0 + 25 * MIN;
  await ok('PATCH', c, { status: 'in-progress' }, analyst);
  const started = await ok('PATCH', `${c}/tasks/${ids.triageTask}`, { status: 'in-progress', assignee: 'alice' }, analyst);
  assert.deepEqual([started.status, started.assignee], ['in-progress', 'alice']);
  clock = T0 + 40 * MIN;
  assert.equal((await ok('PATCH', `${c}/tasks/${ids.triageTask}`, { status: 'done' }, analyst)).status, 'done');
  await ok('POST', `${c}/observables`, { type: 'hash', value: 'D41D8CD98F00B204E9800998ECF8427E' }, analyst, 201);

  clock = T0 + 45 * MIN;
  await ok('PATCH', `${c}/tasks/${ids.isolateTask}`, { status: 'in-progress', assignee: 'bob' }, responder);
  clock = T0 + 60 * MIN;
  await ok('PATCH', `${c}/tasks/${ids.isolateTask}`, { status: 'done' }, responder);
  const note = await ok('POST', `${c}/comments`, { body: 'Containment: **ws-fin-07** isolated with the EDR at 10:00Z; jdoe credentials reset.' }, responder, 201);
  assert.equal(note.author, 'bob');
  clock = T0 + 65 * MIN;
  assert.equal((await ok('PATCH', c, { status: 'contained' }, responder)).status, 'contained');
});

test('the alerts close as true positives; the case is resolved, reviewed and closed', async () => {
  const c = `/api/v1/cases/${ids.case}`;
  clock = T0 + 2 * HOUR;
  const closed = await ok('PATCH', `/api/v1/alerts/${ids.powershell}`, { status: 'closed', disposition: 'true-positive', reason: 'encoded download cradle, confirmed malicious' }, analyst);
  assert.deepEqual([closed.status, closed.disposition, closed.closedAt], ['closed', 'true-positive', T0 + 2 * HOUR]);
  clock = T0 + 2 * HOUR + 10 * MIN;
  await ok('POST', '/api/v1/alerts/bulk', { ids: [ids.whoami], change: { status: 'closed', disposition: 'true-positive', reason: 'discovery by the same intrusion' } }, analyst);

  clock = T0 + 3 * HOUR;
  await ok('PATCH', c, { status: 'resolved' }, responder);
  clock = T0 + 3 * HOUR + 10 * MIN;
  const rca = await ok('PUT', `${c}/rca`, {
    rootCause: 'The user opened a macro-enabled invoice that launched an encoded PowerShell loader',
    contributingFactors: ['Office macros allowed from the internet', 'PowerShell not in constrained language mode'],
  }, analyst);
  assert.equal(rca.rca.updatedBy, 'alice');
  await ok('PUT', `${c}/review`, {
    whatHappened: 'A phishing macro ran an encoded PowerShell loader; the attacker ran whoami before isolation.',
    impact: 'One workstation reimaged; no data left the network.',
    wentWell: ['Alert 3 minutes after execution'], toImprove: ['Isolation took 45 minutes after acknowledgement'],
    actionItems: [{ action: 'Block internet macros by GPO', owner: 'it-ops', due: '2025-07-01' }],
  }, analyst);
  clock = T0 + 4 * HOUR;
  const done = await ok('PATCH', c, { status: 'closed' }, analyst);
  assert.deepEqual([done.status, done.closed], ['closed', T0 + 4 * HOUR]);
});

test('the report holds the timeline, the RCA and the review', async () => {
  const r = await fetch(`${vigil.url}/api/v1/cases/${ids.case}/report`, { headers: { cookie: responder['cookie']! } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/markdown/);
  const md = await r.text();
  assert.ok(md.startsWith(`# Case ${ids.case}: Encoded PowerShell and discovery on ws-fin-07`));
  assert.ok(md.includes('| Status | closed |'));
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
  // The timeline, in time order: the events at event time, the alerts, then what people did.
  const timeline = md.slice(md.indexOf('\n## Timeline\n'), md.indexOf('\n## Comments\n'));
  const rows = [
    `| ${iso(T0 - 3 * MIN)} | event |  | Event matching 'Encoded PowerShell command line' on host ws-fin-07.corp.example, user jdoe |`,
    `| ${iso(T0 - 1 * MIN)} | event |  | Event matching 'Whoami discovery' on host ws-fin-07.corp.example, user jdoe |`,
    `| ${iso(T0)} | alert |  | Alert \\#${ids.powershell} raised: Encoded PowerShell command line (high) |`,
    `| ${iso(T0)} | alert |  | Alert \\#${ids.whoami} raised: Whoami discovery (high) |`,
    `| ${iso(T0 + 20 * MIN)} | created | alice | Case opened from template 'malware' |`,
    `| ${iso(T0 + 25 * MIN)} | status | alice | Status open -> in-progress |`,
    `| ${iso(T0 + 40 * MIN)} | task | alice | Task 'Confirm the detection`,
    `| ${iso(T0 + 60 * MIN)} | comment | bob | Comment: Containment:`,
    `| ${iso(T0 + 65 * MIN)} | status | bob | Status in-progress -> contained |`,
    `| ${iso(T0 + 3 * HOUR)} | status | bob | Status contained -> resolved |`,
    `| ${iso(T0 + 3 * HOUR + 10 * MIN)} | rca | alice |`,
    `| ${iso(T0 + 3 * HOUR + 10 * MIN)} | pir | alice |`,
    `| ${iso(T0 + 4 * HOUR)} | status | alice | Status resolved -> closed |`,
  ];
  let at = 0;
  // The report escapes HTML in user-visible text: "->" reads "-&gt;".
  for (const row of rows.map((r) => r.replaceAll('->', '-&gt;'))) {
    const i = timeline.indexOf(row, at);
    assert.ok(i >= 0, `timeline row after offset ${at}: ${row}\n${timeline}`);
    at = i + row.length;
  }
  assert.ok(timeline.includes("Task 'Network-isolate affected hosts with the EDR': status in-progress -&gt; done"));
  for (const text of [
    '## Root-cause analysis', 'The user opened a macro-enabled invoice that launched an encoded PowerShell loader', '- Office macros allowed from the internet',
    '## Post-incident review', '### What happened', 'the attacker ran whoami before isolation', '### Impact', 'One workstation reimaged',
    '- Alert 3 minutes after execution', '- Isolation took 45 minutes after acknowledgement', '| Block internet macros by GPO | it-ops | 2025-07-01T00:00:00Z | no |',
    'Containment: \\*\\*ws-fin-07\\*\\* isolated with the EDR',
  ]) assert.ok(md.includes(text), `report holds: ${text}`);
});

test('SOC metrics show the scripted durations', async () => {
  clock = T0 + 5 * HOUR;
  const m = await ok('GET', `/api/v1/metrics/soc?from=${T0 - HOUR}&to=${T0 + 24 * HOUR}&by=analyst`, undefined, analyst);
  assert.deepEqual([m.alerts.total, m.alerts.closed], [2, 2]);
  // Event -> alert: 3m (PowerShell) and 1m (whoami).
  assert.deepEqual(m.alerts.mttd, { count: 2, mean: 2 * MIN, median: 2 * MIN, p90: 3 * MIN });
  // Alert -> acknowledged: 10m and 14m.
  assert.deepEqual(m.alerts.mtta, { count: 2, mean: 12 * MIN, median: 12 * MIN, p90: 14 * MIN });
  // Alert -> closed: 2h and 2h10m.
  assert.deepEqual(m.alerts.mttr, { count: 2, mean: 125 * MIN, median: 125 * MIN, p90: 130 * MIN });
  // Case opened at 0:20, closed at 4:00.
  assert.deepEqual(m.cases, { created: 1, mttr: { count: 1, mean: 220 * MIN, median: 220 * MIN, p90: 220 * MIN } });
  assert.deepEqual([m.sla.high.alerts, m.sla.high.acknowledge.breaches, m.sla.high.resolve.breaches], [2, 0, 0]);
  assert.deepEqual((m.precision as Json[]).map((p) => [p.ruleId, p.closed, p.precision]).sort(), [[POWERSHELL, 1, 1], [WHOAMI, 1, 1]].sort());
  assert.deepEqual((m.groups as Json[]).map((g) => [g.key, g.alerts, g.mtta.mean]), [['alice', 2, 12 * MIN]]);
});

test('the audit log names who did what, and `vigil audit verify` passes on the data folder', async () => {
  const records: Json[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await ok('GET', `/api/v1/audit?limit=500&offset=${offset}`, undefined, admin);
    records.push(...page.records);
    if (records.length >= page.total) break;
  }
  const who = (action: string, targetId: number | string, pick: (r: Json) => boolean = () => true): string[] =>
    records.filter((r) => r.action === action && r.target.id === String(targetId) && pick(r)).map((r) => `${r.actor.kind}:${r.actor.name}`).reverse();
  assert.deepEqual(who('user.create', records.find((r) => r.action === 'user.create' && r.after?.username === 'bob')!.target.id), ['token:admin']);
  assert.deepEqual(who('token.create', records.find((r) => r.action === 'token.create' && r.after?.name === 'sysmon-shipper')!.target.id), ['token:admin']);
  assert.deepEqual(who('alert.update', ids.powershell), ['user:alice', `system:case ${ids.case}`, 'user:alice']);
  assert.deepEqual(who('alert.update', ids.whoami), ['user:alice', `system:case ${ids.case}`, 'user:alice']);
  const closing = records.find((r) => r.action === 'alert.update' && r.target.id === String(ids.powershell) && r.after.status === 'closed');
  assert.deepEqual(closing.before, { status: 'in-progress', disposition: null, reason: null, closedAt: null });
  assert.deepEqual([closing.after.disposition, closing.after.closedAt], ['true-positive', T0 + 2 * HOUR]);
  assert.deepEqual(who('case.create', ids.case), ['user:alice']);
  assert.deepEqual(who('case.update', ids.case).length, 4);
  const statusChanges = records.filter((r) => r.action === 'case.update' && r.target.id === String(ids.case) && r.after?.status).reverse()
    .map((r) => [r.actor.name, r.before.status, r.after.status]);
  assert.deepEqual(statusChanges, [['alice', 'open', 'in-progress'], ['bob', 'in-progress', 'contained'], ['bob', 'contained', 'resolved'], ['alice', 'resolved', 'closed']]);
  assert.deepEqual(who('case.task.update', ids.isolateTask), ['user:bob', 'user:bob']);
  assert.deepEqual(who('case.task.update', ids.triageTask), ['user:alice', 'user:alice']);
  assert.deepEqual(records.filter((r) => r.action === 'case.comment.create').map((r) => r.actor.name), ['bob']);
  assert.deepEqual(who('case.rca.update', ids.case), ['user:alice']);
  assert.deepEqual(who('case.pir.update', ids.case), ['user:alice']);
  const text = JSON.stringify(records);
  for (const secret of [PASSWORD, ingestToken, HOOK_SECRET, analyst['x-csrf-token']!]) assert.ok(!text.includes(secret), 'no secret in the audit log');

  const run = promisify(execFile);
  const { stdout } = await run(process.execPath, [BIN, 'audit', 'verify', '--data', join(dir, 'data')]);
  assert.match(stdout, new RegExp(`^audit log ok: ${records.length} records, head [0-9a-f]{64}\\n$`));
});

test('the ticketing webhook received the case, signed, from created to closed', async () => {
  await until('the webhook to receive the closed case', () => received.some((r) => r.case.id === ids.case && r.case.status === 'closed'));
  assert.deepEqual(rejected, [], 'every delivery carried a valid signature');
  const mine = received.filter((r) => r.case.id === ids.case);
  assert.equal(mine[0]!.event, 'created');
  assert.ok(mine.slice(1).every((r) => r.event === 'updated'));
  // Newer changes may replace queued ones, but what arrives never goes back in time.
  const order = ['open', 'in-progress', 'contained', 'resolved', 'closed'];
  const seen = mine.map((r) => order.indexOf(r.case.status));
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b), `statuses in order: ${mine.map((r) => r.case.status).join(', ')}`);
  assert.equal(new Set(mine.map((r) => r.delivery)).size, mine.length, 'one request per delivery: nothing was retried');
  let log: Json[] = [];
  await until('every delivery settled', async () => {
    log = (await ok('GET', `/api/v1/integrations/deliveries?caseId=${ids.case}&target=soc-hook`, undefined, admin)).deliveries;
    return log.every((d) => d.state !== 'pending');
  });
  assert.equal(log.length, mine.length);
  assert.ok(log.every((d) => d.state === 'delivered' && d.log.length === 1 && d.log[0].statusCode === 200), JSON.stringify(log));
  assert.ok(log.some((d) => d.log[0].detail === `ticket INC-${ids.case}`), 'the ticket key the receiver answered is remembered');
});

test('a maintenance window holds matches back: GET /api/v1/alerts?suppressed=true lists them, the queue does not', async () => {
  clock = T0 + 6 * HOUR;
  const s = await ok('POST', '/api/v1/suppressions', { host: 'lab-07.corp.example', start: new Date(T0 + 5 * HOUR).toISOString(), expires: new Date(T0 + 8 * HOUR).toISOString(), reason: 'red-team exercise RT-12' }, admin, 201);
  const body = JSON.stringify(sysmon('lab-07.corp.example', T0 + 6 * HOUR - MIN, 'whoami.exe', 'whoami /priv'));
  const r = await fetch(`${vigil.url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${ingestToken}` }, body });
  assert.equal(r.status, 200);
  await vigil.detection.stage.idle();

  assert.equal((await ok('GET', '/api/v1/alerts?host=lab-07.corp.example', undefined, analyst)).total, 0, 'not in the queue');
  const held = await ok('GET', '/api/v1/alerts?suppressed=true', undefined, analyst);
  assert.deepEqual([held.total, held.suppressed, held.limit, held.offset], [1, true, 50, 0]);
  const h = held.alerts[0];
  assert.deepEqual([h.by, h.refId, h.ruleId, h.hostName, h.count, h.firstSeen], ['suppression', s.id, WHOAMI, 'lab-07.corp.example', 1, T0 + 6 * HOUR]);
  const same = await ok('GET', `/api/v1/suppressed-alerts?suppression=${s.id}`, undefined, analyst);
  assert.deepEqual(held, { ...same, suppressed: true }, 'the same list as /api/v1/suppressed-alerts');
  assert.equal((await ok('GET', `/api/v1/alerts?suppressed=true&rule=${POWERSHELL}`, undefined, analyst)).total, 0);
  assert.equal((await ok('GET', `/api/v1/alerts?suppressed=true&rule=${WHOAMI}&limit=1&offset=1`, undefined, analyst)).alerts.length, 0);
  assert.equal((await ok('GET', '/api/v1/alerts?suppressed=false', undefined, analyst)).total, 2, 'false is the ordinary queue');

  const bad = await call('GET', '/api/v1/alerts?suppressed=yes', undefined, analyst);
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /'suppressed' must be true or false/);
  const mixed = await call('GET', '/api/v1/alerts?suppressed=true&status=new&host=x', undefined, analyst);
  assert.equal(mixed.status, 400);
  assert.match(mixed.json.error.message, /only 'rule', 'limit' and 'offset' apply, not 'status', 'host'/);
  assert.equal((await call('GET', '/api/v1/alerts?suppressed=true')).status, 200);
  assert.equal((await fetch(`${vigil.url}/api/v1/alerts?suppressed=true`)).status, 401);
});
