import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../../bin/vigil.js', import.meta.url));
const vigil = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

const RULES = `title: Failed logon
id: 5638f7c0-ac70-491d-8465-2a65075e0d86
name: failed_logon
author: Vigil tests
level: low
logsource: { product: windows, service: security }
detection:
  selection:
    EventID: 4625
  condition: selection
---
title: Brute force
id: 0e95725d-7320-415d-80f7-004da920fc11
author: Vigil tests
level: high
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [TargetUserName]
  timespan: 5m
  condition: { gte: 3 }
---
title: Whoami
id: 7fe6d1e5-ffad-4b57-a1d5-d1bd4ae6b1e2
author: Vigil tests
level: medium
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
`;

function evtx(eventId: number, channel: string, time: string, data: Record<string, unknown>) {
  return { Event: { System: { EventID: eventId, Channel: channel, Computer: 'dc01', TimeCreated: { '#attributes': { SystemTime: time } } }, EventData: data } };
}

test('vigil sigma match prints matches and correlation alerts as JSON lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  writeFileSync(join(dir, 'rules.yml'), RULES);
  const events = [
    evtx(4625, 'Security', '2025-01-01T10:00:00Z', { TargetUserName: 'bob' }),
    evtx(4625, 'Security', '2025-01-01T10:01:00Z', { TargetUserName: 'bob' }),
    evtx(1, 'Microsoft-Windows-Sysmon/Operational', '2025-01-01T10:01:30Z', { Image: 'C:\\Windows\\System32\\whoami.exe' }),
    evtx(4625, 'Security', '2025-01-01T10:02:00Z', { TargetUserName: 'bob' }),
    evtx(4625, 'Security', '2025-01-01T10:02:10Z', { TargetUserName: 'alice' }),
  ];
  writeFileSync(join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const r = vigil('sigma', 'match', '--rules', join(dir, 'rules.yml'), join(dir, 'events.jsonl'));
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const whoami = out.filter((o) => o['title'] === 'Whoami');
  assert.equal(whoami.length, 1);
  assert.equal(whoami[0]!['author'], 'Vigil tests');
  assert.equal(whoami[0]!['line'], 3);
  const brute = out.filter((o) => o['title'] === 'Brute force');
  assert.equal(brute.length, 1);
  assert.deepEqual(brute[0]!['group'], { TargetUserName: 'bob' });
  assert.equal(brute[0]!['count'], 3);
  // The failed logons feed the correlation only (generate is false), so they do not print alone.
  assert.equal(out.filter((o) => o['title'] === 'Failed logon').length, 0);
});

test('vigil sigma match prints only the outer alert of a chained correlation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-chain-'));
  writeFileSync(join(dir, 'rules.yml'), `title: Failed logon
name: failed_logon
author: t
logsource: { product: windows, service: security }
detection:
  selection: { EventID: 4625 }
  condition: selection
---
title: Successful logon
name: successful_logon
author: t
logsource: { product: windows, service: security }
detection:
  selection: { EventID: 4624 }
  condition: selection
---
title: Multiple failed logons
name: multiple_failed_logons
author: t
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [TargetUserName]
  timespan: 10m
  condition: { gte: 2 }
---
title: Failed logons followed by success
author: t
level: high
correlation:
  type: temporal_ordered
  rules: [multiple_failed_logons, successful_logon]
  group-by: [TargetUserName]
  timespan: 10m
`);
  const events = [
    evtx(4625, 'Security', '2025-01-01T10:00:00Z', { TargetUserName: 'bob' }),
    evtx(4625, 'Security', '2025-01-01T10:01:00Z', { TargetUserName: 'bob' }),
    evtx(4624, 'Security', '2025-01-01T10:02:00Z', { TargetUserName: 'bob' }),
  ];
  writeFileSync(join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const r = vigil('sigma', 'match', '--rules', join(dir, 'rules.yml'), join(dir, 'events.jsonl'));
  assert.equal(r.status, 0, r.stderr);
  const titles = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { title: string }).title);
  assert.deepEqual(titles, ['Failed logons followed by success']);
  const all = vigil('sigma', 'match', '--include-correlation-only', '--rules', join(dir, 'rules.yml'), join(dir, 'events.jsonl'));
  assert.ok(all.stdout.includes('Multiple failed logons'));
});

test('vigil rules check reports errors with file:line, as text and JSON, and exits 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-check-'));
  writeFileSync(join(dir, 'good.yml'), RULES);
  writeFileSync(join(dir, 'bad.yml'), 'title: bad\nlogsource: {product: windows}\ndetection:\n  sel:\n    Image|endwith: x\n  condition: sel\n');
  const text = vigil('rules', 'check', dir);
  assert.equal(text.status, 1);
  assert.match(text.stdout, /bad\.yml:5:5: unknown modifier 'endwith'; known modifiers: contains/);
  assert.match(text.stdout, /2 files, 3 rules loaded, 1 errors/);
  const json = vigil('rules', 'check', dir, '--json');
  assert.equal(json.status, 1);
  const parsed = JSON.parse(json.stdout) as { loaded: number; errors: { file: string; line: number; message: string }[]; unsupported: unknown[] };
  assert.equal(parsed.loaded, 3);
  assert.equal(parsed.errors.length, 1);
  assert.equal(parsed.errors[0]!.line, 5);
  assert.ok(parsed.errors[0]!.file.endsWith('bad.yml'));
  assert.deepEqual(parsed.unsupported, []);
  const ok = vigil('rules', 'check', join(dir, 'good.yml'));
  assert.equal(ok.status, 0);
});

test('vigil sigma regress runs SigmaHQ-format cases and fails on a missed case', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-regress-'));
  writeFileSync(join(dir, 'rules.yml'), RULES);
  const id = '7fe6d1e5-ffad-4b57-a1d5-d1bd4ae6b1e2';
  const caseDir = join(dir, 'cases', 'proc_creation_whoami');
  mkdirSync(caseDir, { recursive: true });
  const info = (count: number) => `id: 1\ndescription: N/A\nrule_metadata:\n  - id: ${id}\n    title: Whoami\nregression_tests_info:\n  - name: Positive Detection Test\n    type: evtx\n    match_count: ${count}\n`;
  writeFileSync(join(caseDir, 'info.yml'), info(1));
  const sample = evtx(1, 'Microsoft-Windows-Sysmon/Operational', '2025-01-01T10:00:00Z', { Image: 'C:\\Windows\\System32\\whoami.exe' });
  const other = evtx(1, 'Microsoft-Windows-Sysmon/Operational', '2025-01-01T10:00:00Z', { Image: 'C:\\Windows\\System32\\cmd.exe' });
  writeFileSync(join(caseDir, `${id}.json`), JSON.stringify(sample, null, 2) + JSON.stringify(other, null, 2));
  const pass = vigil('sigma', 'regress', '--rules', join(dir, 'rules.yml'), '--cases', join(dir, 'cases'), '--json');
  assert.equal(pass.status, 0, pass.stdout + pass.stderr);
  assert.deepEqual(JSON.parse(pass.stdout), { cases: 1, passed: 1, failed: [], warnings: [], skipped: [] });
  writeFileSync(join(caseDir, 'info.yml'), info(2));
  const fail = vigil('sigma', 'regress', '--rules', join(dir, 'rules.yml'), '--cases', join(dir, 'cases'), '--json');
  assert.equal(fail.status, 1);
  const parsed = JSON.parse(fail.stdout) as { failed: { case: string; rule: string; expected: number; got: number }[] };
  assert.deepEqual(parsed.failed, [{ case: 'proc_creation_whoami', rule: id, expected: 2, got: 1 }]);
});

test('vigil --help lists the command groups; a missing input file is a clear error', () => {
  const help = vigil('--help');
  assert.equal(help.status, 0);
  for (const cmd of ['rules', 'sigma']) assert.match(help.stdout, new RegExp(`\\b${cmd}\\b`));
  const dir = mkdtempSync(join(tmpdir(), 'vigil-missing-'));
  writeFileSync(join(dir, 'rules.yml'), RULES);
  const r = vigil('sigma', 'match', '--rules', join(dir, 'rules.yml'), join(dir, 'nope.jsonl'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot read .*nope\.jsonl/);
});
