import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVigil, type RunningVigil } from '../../app/start.js';

const TOKEN = 'rules-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
const RULE_ID = '33333333-3333-4333-8333-333333333333';
const RULES = `
title: Whoami via Sysmon
id: ${RULE_ID}
status: test
level: medium
author: Vigil tests
tags: [attack.discovery, attack.t1033]
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
---
title: Encoded PowerShell
id: 44444444-4444-4444-8444-444444444444
status: experimental
level: high
tags: [attack.execution]
logsource: { product: windows, category: process_creation }
detection:
  selection:
    CommandLine|contains: ' -enc '
  condition: selection
---
title: Many whoami
id: 55555555-5555-4555-8555-555555555555
level: high
correlation:
  type: event_count
  rules: [${RULE_ID}]
  group-by: [Computer]
  timespan: 5m
  condition: { gte: 3 }
`;

function sysmon(image: string, time: string, computer = 'ws01.corp.example'): Record<string, unknown> {
  return {
    Event: {
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: 1,
        Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: computer,
        TimeCreated: { '#attributes': { SystemTime: time } },
      },
      EventData: { Image: image, CommandLine: `${image} /all`, User: 'CORP\\alice' },
    },
  };
}

let dir: string;
let vigil: RunningVigil;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-rules-'));
  mkdirSync(join(dir, 'none'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'rules.yml'), RULES);
  const common = { dataDir: join(dir, 'data'), port: 0, env: { VIGIL_ADMIN_TOKEN: TOKEN }, log: () => {}, print: () => {} };
  // First run: no rules, so nothing is detected while the events arrive.
  const first = await startVigil({ ...common, rules: [join(dir, 'none')] });
  const body = [
    sysmon('C:\\Windows\\System32\\whoami.exe', minutesAgo(30)),
    sysmon('C:\\Windows\\notepad.exe', minutesAgo(29)),
    sysmon('C:\\Windows\\System32\\whoami.exe', minutesAgo(5), 'ws02.corp.example'),
    sysmon('C:\\Windows\\System32\\whoami.exe', minutesAgo(3 * 24 * 60)),
  ].map((e) => JSON.stringify(e)).join('\n') + '\n';
  const r = await fetch(`${first.url}/api/v1/events`, { method: 'POST', headers: auth, body });
  assert.equal(r.status, 200);
  await first.close();
  // Second run on the same data: the rule now exists, the events were stored before it.
  vigil = await startVigil({ ...common, rules: [join(dir, 'rules')] });
});

after(async () => {
  await vigil.close();
  rmSync(dir, { recursive: true, force: true });
});

async function retro(id: string, body: unknown, headers: Record<string, string> = auth): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${vigil.url}/api/v1/rules/${encodeURIComponent(id)}/retrohunt`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: r.status, json: await r.json() as Record<string, unknown> };
}

test('retrohunt finds events stored before the rule was loaded, within the range only', async () => {
  const alerts = await (await fetch(`${vigil.url}/api/v1/alerts`, { headers: auth })).json() as { total: number };
  assert.equal(alerts.total, 0, 'nothing was detected live');

  const hour = await retro(RULE_ID, { from: '-1h', to: 'now' });
  assert.equal(hour.status, 200, JSON.stringify(hour.json));
  assert.equal(hour.json['end'], 'complete');
  assert.equal(hour.json['scanned'], 3);
  assert.equal(hour.json['matched'], 2);
  assert.equal(typeof hour.json['elapsedMs'], 'number');
  assert.deepEqual(hour.json['rule'], { id: RULE_ID, title: 'Whoami via Sysmon', level: 'medium' });
  const hits = hour.json['hits'] as { id: number; host: string; fields: { field: string; value: string }[] }[];
  assert.deepEqual(hits.map((h) => h.host), ['ws01.corp.example', 'ws02.corp.example']);
  assert.deepEqual(hits[0]!.fields, [{ field: 'Image', value: 'C:\\Windows\\System32\\whoami.exe' }]);
  // The hit ids are real stored events.
  const ev = await fetch(`${vigil.url}/api/v1/events/${hits[0]!.id}`, { headers: auth });
  assert.equal(ev.status, 200);

  const week = await retro(RULE_ID, { from: '-7d', limit: 1 });
  assert.equal(week.json['matched'], 1);
  assert.equal(week.json['end'], 'max-matches');

  const earlier = await retro(RULE_ID, { from: '-30d', to: '-5d' });
  assert.equal(earlier.status, 200);
  assert.equal(earlier.json['scanned'], 0);
  assert.deepEqual(earlier.json['hits'], []);

  const defaults = await fetch(`${vigil.url}/api/v1/rules/${RULE_ID}/retrohunt`, { method: 'POST', headers: auth });
  assert.equal(((await defaults.json()) as { matched: number }).matched, 2, 'an empty body means the last 24 hours');
});

test('retrohunt refuses what it cannot run, with a clear error', async () => {
  assert.equal((await retro('no-such-rule', {})).status, 404);
  const corr = await retro('55555555-5555-4555-8555-555555555555', {});
  assert.equal(corr.status, 400);
  assert.match(String((corr.json['error'] as { message: string }).message), /correlation rule/);
  const badTime = await retro(RULE_ID, { from: 'yesterday' });
  assert.equal(badTime.status, 400);
  assert.equal((badTime.json['error'] as { field: string }).field, 'from');
  assert.equal((await retro(RULE_ID, { limit: -1 })).status, 400);
  assert.equal((await retro(RULE_ID, {}, {})).status, 401);
});

test('GET /api/v1/rules lists loaded rules with filters and paging; GET one by id; 404 for unknown', async () => {
  const get = async (path: string) => {
    const r = await fetch(`${vigil.url}${path}`, { headers: auth });
    return { status: r.status, json: await r.json() as Record<string, unknown> };
  };
  const all = await get('/api/v1/rules');
  assert.equal(all.status, 200);
  assert.equal(all.json['total'], 3);
  const first = (all.json['rules'] as Record<string, unknown>[])[0]!;
  assert.deepEqual(first, {
    id: RULE_ID, title: 'Whoami via Sysmon', type: 'rule', level: 'medium', status: 'test',
    tags: ['attack.discovery', 'attack.t1033'], logsource: { product: 'windows', category: 'process_creation' },
    file: join(dir, 'rules', 'rules.yml'),
  });
  const high = (await get('/api/v1/rules?level=high&type=rule')).json['rules'] as { id: string }[];
  assert.deepEqual(high.map((r) => r.id), ['44444444-4444-4444-8444-444444444444']);
  assert.equal((await get('/api/v1/rules?tag=ATTACK.T1033')).json['total'], 1);
  assert.equal((await get('/api/v1/rules?q=powershell')).json['total'], 1);
  assert.equal((await get('/api/v1/rules?category=process_creation')).json['total'], 2);
  const page = await get('/api/v1/rules?limit=1&offset=1');
  assert.equal(page.json['total'], 3);
  assert.deepEqual((page.json['rules'] as { id: string }[]).map((r) => r.id), ['44444444-4444-4444-8444-444444444444']);
  assert.equal((await get('/api/v1/rules?limit=x')).status, 400);

  const one = await get(`/api/v1/rules/${RULE_ID}`);
  assert.equal(one.status, 200);
  assert.equal(one.json['author'], 'Vigil tests');
  assert.equal(one.json['line'], 2);
  const corr = await get('/api/v1/rules/55555555-5555-4555-8555-555555555555');
  assert.deepEqual(corr.json['correlation'], { type: 'event_count', rules: [RULE_ID], groupBy: ['Computer'], timespanMs: 300_000 });
  const missing = await get('/api/v1/rules/00000000-0000-4000-8000-000000000000');
  assert.equal(missing.status, 404);
  assert.equal((missing.json['error'] as { code: string }).code, 'api.not_found');
  assert.equal((await fetch(`${vigil.url}/api/v1/rules`)).status, 401);
});
