import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CASE_TEMPLATES } from '../app/start.js';
import { loadTemplates, parseDuration } from './templates.js';
import { PHASES } from './types.js';

test('the shipped templates load cleanly and follow the NIST 800-61 phases in order', () => {
  const set = loadTemplates(DEFAULT_CASE_TEMPLATES);
  assert.deepEqual(set.errors.map((e) => e.describe()), []);
  assert.deepEqual([...set.templates.keys()], ['account-compromise', 'malware', 'phishing', 'ransomware']);
  for (const t of set.templates.values()) {
    assert.ok(t.tasks.length >= 10, t.name);
    assert.ok(t.description.length > 50);
    assert.ok(t.tags.length > 0);
    const phases = new Set(t.tasks.map((x) => x.phase));
    for (const p of ['detection-analysis', 'containment', 'eradication', 'recovery', 'post-incident'] as const) assert.ok(phases.has(p), `${t.name} has ${p}`);
    assert.equal(t.tasks.at(-1)!.phase, 'post-incident');
    assert.ok(t.tasks.every((x) => PHASES.includes(x.phase) && x.dueInMs !== null));
  }
  assert.equal(set.templates.get('ransomware')!.tlp, 'red');
});

test('bad templates are reported with file:line:column and the field; good ones still load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tpl-'));
  try {
    writeFileSync(join(dir, 'good.yml'), 'name: good\ntitle: Good\ndescription: fine\nseverity: low\ntasks:\n  - title: Do it\n    phase: containment\n');
    writeFileSync(join(dir, 'bad.yaml'), [
      'name: wrong', 'title: Bad', 'description: x', 'severity: urgent', 'tlp: purple', 'colour: red', 'tasks:',
      '  - title: ok', '    phase: containment', '  - title: Late', '    phase: cleanup', '    due_in: soon', '',
    ].join('\n'));
    writeFileSync(join(dir, 'broken.yml'), 'name: broken\ntasks: [\n');
    writeFileSync(join(dir, 'Upper Case.yml'), 'name: x\n');
    const set = loadTemplates(dir);
    assert.deepEqual([...set.templates.keys()], ['good']);
    const lines = set.errors.map((e) => e.describe());
    const bad = join(dir, 'bad.yaml');
    for (const expected of [
      `${bad}:1:1: 'name' must be 'bad' (the file name) (at name)`,
      `${bad}:4:1: 'severity' must be one of low, medium, high, critical (at severity)`,
      `${bad}:5:1: 'tlp' must be one of clear, green, amber, amber+strict, red (at tlp)`,
      `${bad}:6:1: unknown key 'colour'`,
      `${bad}:11:5: task 'phase' must be one of preparation, detection-analysis, containment, eradication, recovery, post-incident (at tasks.1.phase)`,
      `${bad}:12:5: task 'due_in' must be a duration like 30m, 4h or 2d (at tasks.1.due_in)`,
    ]) assert.ok(lines.some((l) => l.startsWith(expected)), `${expected}\n in\n${lines.join('\n')}`);
    assert.ok(lines.some((l) => l.startsWith(`${join(dir, 'broken.yml')}:`)), 'YAML syntax error located');
    assert.ok(lines.some((l) => l.startsWith(join(dir, 'Upper Case.yml'))));
    assert.equal(loadTemplates(join(dir, 'missing')).errors[0]!.code, 'cases.template.dir');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('durations', () => {
  assert.deepEqual(['30m', '4h', '2d', '4', 'h', '1w'].map(parseDuration), [1_800_000, 14_400_000, 172_800_000, undefined, undefined, undefined]);
});
