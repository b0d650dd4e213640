import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'bin/vigil.js');
// Each test run gets its own parsed-rule cache, so a user's ~/.cache is neither read nor littered.
const CACHE = mkdtempSync(join(tmpdir(), 'vigil-hunt-cache-'));
const vigil = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, VIGIL_CACHE_DIR: CACHE } });

const RULES = `title: Whoami
id: 7fe6d1e5-ffad-4b57-a1d5-d1bd4ae6b1e2
author: Vigil tests
level: medium
tags: [attack.discovery, attack.t1033, detection.emerging-threats]
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
---
title: Odd command line
id: 0e95725d-7320-415d-80f7-004da920fc11
author: Vigil tests
level: high
logsource: { product: windows, category: process_creation }
detection:
  selection:
    CommandLine|contains: 'odd'
  condition: selection
`;

function evtx(time: string, computer: string, data: Record<string, unknown>) {
  return { Event: { System: { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: computer, TimeCreated: { '#attributes': { SystemTime: time } } }, EventData: data } };
}

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-hunt-'));
  writeFileSync(join(dir, 'rules.yml'), RULES);
  const whoami = 'C:\\Windows\\System32\\whoami.exe';
  // .jsonl holds the later events, .json (an array) the earliest: output must be sorted across files.
  writeFileSync(join(dir, 'b.jsonl'), [
    evtx('2025-01-01T12:00:00Z', 'ws2', { Image: whoami, CommandLine: 'whoami /all' }),
    evtx('2025-01-01T11:00:00Z', 'ws1', { Image: 'C:\\x.exe', CommandLine: 'run "odd", quoted' }),
  ].map((e) => JSON.stringify(e)).join('\n') + '\n');
  writeFileSync(join(dir, 'a.json'), JSON.stringify([evtx('2025-01-01T10:00:00Z', 'ws1', { Image: whoami })]));
  writeFileSync(join(dir, 'ignored.txt'), 'not a log');
  return dir;
}

test('vigil hunt --format csv writes one header row and RFC 4180 quoting', () => {
  const dir = fixture();
  const r = vigil('hunt', dir, '--rules', join(dir, 'rules.yml'), '--format', 'csv', '--quiet');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'Timestamp,Computer,Channel,EventID,Level,Rule,ATT&CK,Details,RecordID,File');
  assert.equal(lines.length, 4);
  const odd = lines.find((l) => l.includes('Odd command line'));
  assert.ok(odd?.includes('"CommandLine: run ""odd"", quoted"'), odd);
  assert.ok(lines[1]!.startsWith('2025-01-01T10:00:00.000Z,ws1,Microsoft-Windows-Sysmon/Operational,1,medium,Whoami,attack.discovery attack.t1033,'), lines[1]);
});

test('vigil hunt --format jsonl prints rows sorted by time; --min-level, --from and --output filter and redirect', () => {
  const dir = fixture();
  const r = vigil('hunt', dir, '--rules', join(dir, 'rules.yml'), '--format', 'jsonl');
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { timestamp: string; rule: string; level: string; computer: string; tags: string[] });
  assert.deepEqual(rows.map((x) => [x.timestamp, x.rule]), [
    ['2025-01-01T10:00:00.000Z', 'Whoami'],
    ['2025-01-01T11:00:00.000Z', 'Odd command line'],
    ['2025-01-01T12:00:00.000Z', 'Whoami'],
  ]);
  assert.deepEqual(rows[0]!.tags, ['attack.discovery', 'attack.t1033']);
  assert.match(r.stderr, /3 detections/);
  assert.match(r.stderr, /by level: high 1, medium 2/);

  const high = vigil('hunt', dir, '--rules', join(dir, 'rules.yml'), '--format', 'jsonl', '--min-level', 'high', '--quiet');
  assert.equal(high.status, 0, high.stderr);
  assert.deepEqual(high.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { rule: string }).rule), ['Odd command line']);

  const out = join(dir, 'out.jsonl');
  const late = vigil('hunt', dir, '--rules', join(dir, 'rules.yml'), '--format', 'jsonl', '--from', '2025-01-01T10:30:00Z', '--output', out, '--quiet');
  assert.equal(late.status, 0, late.stderr);
  assert.equal(late.stdout, '');
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 2);
});

test('vigil hunt gives the same output from the rule cache as from the YAML; --output with many rows warns of nothing', () => {
  const dir = fixture();
  const whoami = 'C:\\Windows\\System32\\whoami.exe';
  // Enough rows for the file stream to fill its buffer many times (each wait for 'drain').
  const events = Array.from({ length: 3000 }, (_, k) => evtx(`2025-01-02T10:${String(k % 60).padStart(2, '0')}:00Z`, `ws${k % 7}`, { Image: whoami, CommandLine: `whoami odd ${k}` }));
  writeFileSync(join(dir, 'many.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const cache = mkdtempSync(join(tmpdir(), 'vigil-hunt-cache-'));
  const run = (...extra: string[]) =>
    spawnSync(process.execPath, [BIN, 'hunt', dir, '--rules', join(dir, 'rules.yml'), '--format', 'jsonl', ...extra], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, VIGIL_CACHE_DIR: cache }, maxBuffer: 64 << 20 });
  const yaml = run('--no-rule-cache');
  assert.equal(yaml.status, 0, yaml.stderr);
  assert.deepEqual(readdirSync(cache), [], '--no-rule-cache writes no cache');
  const miss = run();
  assert.equal(readdirSync(cache).filter((n) => n.endsWith('.bin')).length, 1);
  const hit = run();
  assert.equal(miss.stdout, yaml.stdout);
  assert.equal(hit.stdout, yaml.stdout);
  assert.equal(yaml.stdout.trim().split('\n').length, 3 + 6000);

  const out = join(dir, 'out.jsonl');
  const toFile = run('--output', out);
  assert.equal(toFile.status, 0, toFile.stderr);
  assert.doesNotMatch(toFile.stderr, /Warning/);
  assert.equal(readFileSync(out, 'utf8'), yaml.stdout);
});

test('vigil hunt --output to a path that cannot be written fails clearly', () => {
  const dir = fixture();
  const r = vigil('hunt', dir, '--rules', join(dir, 'rules.yml'), '--format', 'jsonl', '--quiet', '--output', join(dir, 'no', 'such', 'dir', 'out.jsonl'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot write .*out\.jsonl: ENOENT/);
});

test('vigil hunt renders an aligned table', () => {
  const dir = fixture();
  const r = vigil('hunt', dir, '--rules', join(dir, 'rules.yml'), '--quiet');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^Timestamp\s+Computer\s+Channel/);
  assert.equal(lines.length, 5);
  const col = lines[0]!.indexOf('Level');
  for (const l of lines.slice(2)) assert.match(l.slice(col), /^(medium|high)/);
});

test('vigil hunt fails clearly on a missing path, no rules or an unreadable file', () => {
  const dir = fixture();
  const missing = vigil('hunt', join(dir, 'nope'), '--rules', join(dir, 'rules.yml'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope' does not exist/);

  writeFileSync(join(dir, 'empty.yml'), '');
  const noRules = vigil('hunt', dir, '--rules', join(dir, 'empty.yml'));
  assert.equal(noRules.status, 1);
  assert.match(noRules.stderr, /no rules loaded/);

  const bad = join(dir, 'broken.evtx');
  writeFileSync(bad, '');
  const unreadable = vigil('hunt', join(dir, 'b.jsonl'), bad, '--rules', join(dir, 'rules.yml'), '--format', 'jsonl');
  assert.equal(unreadable.status, 1);
  assert.equal(unreadable.stdout.trim().split('\n').length, 2, 'the readable file is still hunted');
  assert.match(unreadable.stderr, /files with errors: 1/);
});

const EVTX_CORPUS = join(ROOT, '../shared/corpora/evtx');
const SIGMA_RULES = join(ROOT, '../shared/corpora/sigma/rules');

function firstEvtx(dir: string, name: string): string | undefined {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) {
      const found = firstEvtx(p, name);
      if (found) return found;
    } else if (e === name) return p;
  }
  return undefined;
}

test('vigil hunt finds SigmaHQ detections in a real EVTX file', (t) => {
  const file = existsSync(EVTX_CORPUS) && existsSync(SIGMA_RULES) ? firstEvtx(EVTX_CORPUS, '4794_DSRM_password_change_t1098.evtx') : undefined;
  if (!file) {
    t.skip(`needs ${EVTX_CORPUS} (with 4794_DSRM_password_change_t1098.evtx) and ${SIGMA_RULES}`);
    return;
  }
  const r = vigil('hunt', file, '--rules', SIGMA_RULES, '--format', 'jsonl', '--quiet');
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { rule: string; record_id: string });
  assert.ok(rows.length >= 1);
  assert.ok(rows.some((x) => x.rule.includes('DSRM')), JSON.stringify(rows));
});

const CORRELATION = `title: Whoami burst
id: 3f1f4c8e-2f4b-4d59-9a3c-6a3f1b7f7b01
level: high
correlation:
  type: event_count
  rules: [whoami_run]
  group-by: [Computer]
  timespan: 3h
  condition: { gte: 2 }
---
title: Whoami run
name: whoami_run
id: 9d3a1c55-5f2e-4c1b-8f0e-2a7c9b6d4e11
level: low
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
`;

test('vigil hunt --threads 2 gives exactly the rows of --threads 1, correlations included', () => {
  const dir = fixture();
  writeFileSync(join(dir, 'corr.yml'), CORRELATION);
  // More files than threads, in several sizes, so files are spread over both workers.
  const whoami = 'C:\\Windows\\System32\\whoami.exe';
  for (let i = 0; i < 6; i++) {
    const events = Array.from({ length: 1 + i * 3 }, (_, k) => evtx(`2025-01-0${1 + (i % 2)}T1${k % 10}:0${i}:00Z`, `ws${i % 3}`, { Image: k % 2 ? whoami : 'C:\\odd.exe', CommandLine: `odd ${i} ${k}` }));
    writeFileSync(join(dir, `more-${i}.jsonl`), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  }
  const run = (threads: string, ...extra: string[]) =>
    vigil('hunt', dir, '--rules', join(dir, 'rules.yml'), '--rules', join(dir, 'corr.yml'), '--threads', threads, '--quiet', ...extra);
  const one = run('1', '--format', 'jsonl');
  assert.equal(one.status, 0, one.stderr);
  const rows = one.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rule: string; correlation: boolean; file: string });
  assert.ok(rows.some((r) => r.correlation && r.rule === 'Whoami burst'), 'the correlation fires across files');
  assert.ok(!rows.some((r) => r.rule === 'Whoami run'), 'matches used only by the correlation have no row');
  assert.ok(new Set(rows.map((r) => r.file)).size >= 5);
  for (const threads of ['2', '3']) {
    const many = run(threads, '--format', 'jsonl');
    assert.equal(many.status, 0, many.stderr);
    assert.equal(many.stdout, one.stdout, `--threads ${threads}`);
  }
  assert.equal(run('2', '--format', 'csv').stdout, run('1', '--format', 'csv').stdout);
});

test('vigil hunt --threads rejects a bad count; errors per file are still reported with threads', () => {
  const dir = fixture();
  const bad = vigil('hunt', dir, '--rules', join(dir, 'rules.yml'), '--threads', '0');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--threads: '0' is not a whole number/);

  writeFileSync(join(dir, 'broken.evtx'), 'not an evtx file at all');
  const r = vigil('hunt', dir, '--rules', join(dir, 'rules.yml'), '--threads', '2', '--format', 'jsonl');
  assert.equal(r.status, 1);
  assert.equal(r.stdout.trim().split('\n').length, 3, 'the readable files are still hunted');
  assert.match(r.stderr, /broken\.evtx/);
  assert.match(r.stderr, /files with errors: 1/);
});

test('vigil hunt over the shared EVTX corpus: --threads 2 rows equal --threads 1', { timeout: 600_000 }, (t) => {
  if (!existsSync(EVTX_CORPUS) || !existsSync(SIGMA_RULES)) {
    t.skip(`needs ${EVTX_CORPUS} and ${SIGMA_RULES}`);
    return;
  }
  const run = (threads: string) => vigil('hunt', EVTX_CORPUS, '--rules', SIGMA_RULES, '--format', 'jsonl', '--quiet', '--threads', threads);
  const one = run('1');
  assert.equal(one.status, 0, one.stderr);
  const two = run('2');
  assert.equal(two.status, 0, two.stderr);
  const lines = one.stdout.trim().split('\n');
  assert.ok(lines.length > 100, `expected many detections, got ${lines.length}`);
  assert.equal(two.stdout, one.stdout);
});
