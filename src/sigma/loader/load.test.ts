import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPORA, SKIP_CORPORA } from '../../core/corpora.js';
import { loadRules, loadRulesFromText } from './load.js';

test('errors carry file, line, column and field path; loading continues past bad rules', () => {
  const text = `title: good
logsource: { product: windows }
detection:
  sel:
    a: 1
  condition: sel
---
title: bad modifier
logsource: { product: windows }
detection:
  sel:
    Image|contians: x
  condition: sel
---
title: bad reference
logsource: { product: windows }
detection:
  sel:
    a: 1
  condition: sel and missing
`;
  const set = loadRulesFromText(text, 'rules.yml');
  assert.equal(set.rules.length, 1);
  assert.equal(set.errors.length, 2);
  const [mod, ref] = set.errors;
  assert.equal(mod!.location.file, 'rules.yml');
  assert.equal(mod!.location.line, 12);
  assert.equal(mod!.location.column, 5);
  assert.equal(mod!.location.field, 'detection.sel.Image|contians');
  assert.match(mod!.message, /unknown modifier 'contians'; known modifiers: contains, startswith/);
  assert.match(ref!.message, /'missing' which is not defined/);
  assert.equal(ref!.location.line, 20);
});

test('YAML syntax errors, missing fields and bad values are reported with lines', () => {
  const set = loadRulesFromText('title: x\nlogsource: [\n', 'broken.yml');
  assert.equal(set.errors[0]!.code, 'sigma.yaml.syntax');
  assert.equal(set.errors[0]!.location.file, 'broken.yml');
  const missing = loadRulesFromText('title: x\nlevel: severe\ndetection:\n  sel: {a: 1}\n  condition: sel\n', 'm.yml');
  const messages = missing.errors.map((e) => e.message).join('\n');
  assert.match(messages, /'level' must be one of/);
  assert.match(messages, /'logsource' is required/);
  const nullInList = loadRulesFromText("title: x\nlogsource: {product: a}\ndetection:\n  sel:\n    f: ['', null]\n  condition: sel\n");
  assert.match(nullInList.errors[0]!.message, /null cannot be part of a list/);
  const gtText = loadRulesFromText("title: x\nlogsource: {product: a}\ndetection:\n  sel:\n    f|gt: abc\n  condition: sel\n");
  assert.match(gtText.errors[0]!.message, /'gt' takes a number/);
});

test('dates stay strings and duplicate ids are reported', () => {
  const rule = (title: string) => `title: ${title}\nid: 6f3e2987-db24-4c78-a860-b4f4095a7095\ndate: 2024-01-31\nlogsource: {product: a}\ndetection:\n  sel: {a: 1}\n  condition: sel\n`;
  const set = loadRulesFromText(rule('one') + '---\n' + rule('two'), 'dup.yml');
  assert.equal(set.rules[0]!.date, '2024-01-31');
  assert.equal(set.errors.length, 1);
  assert.equal(set.errors[0]!.code, 'sigma.rule.duplicate_id');
});

test('folders load recursively; a missing path is an error, not a crash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rules-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'r.yml'), 'title: r\nlogsource: {product: a}\ndetection:\n  sel: {a: 1}\n  condition: sel\n');
  writeFileSync(join(dir, 'README.md'), '# not a rule');
  const set = loadRules([dir, join(dir, 'nope')]);
  assert.equal(set.rules.length, 1);
  assert.equal(set.errors.length, 1);
  assert.equal(set.errors[0]!.code, 'sigma.path.missing');
});

test('correlation and filter documents load with their parts', () => {
  const set = loadRulesFromText(`title: c
name: burst
correlation:
  type: event_count
  rules: [a]
  group-by: [User]
  timespan: 5m
  condition: { gte: 10, lt: 100 }
---
title: f
logsource: { product: windows, category: process_creation }
filter:
  rules: [a]
  selection: { User|startswith: adm_ }
  condition: selection
`);
  assert.deepEqual(set.errors, []);
  const [c, f] = set.rules;
  assert.equal(c!.type, 'correlation');
  assert.equal(c!.type === 'correlation' && c.timespan, 300_000);
  assert.deepEqual(c!.type === 'correlation' && c.condition, { gte: 10, lt: 100 });
  assert.equal(f!.type, 'filter');
  const bad = loadRulesFromText('title: c\ncorrelation:\n  type: event_count\n  rules: [a]\n  timespan: 5 minutes\n  condition: {gte: 1}\n');
  assert.match(bad.errors[0]!.message, /timespan/);
});

const TRICKY = `# a comment first
title: 'quoted title'
id: 11111111-2222-3333-4444-555555555555
date: 2024-01-31
modified: 2024/02/01
tags: [attack.t1059, "attack.execution"]
logsource: {product: windows, category: process_creation}
detection:
  "sel quoted":
    'Image|endswith': ['\\a.exe', "\\b.exe"]
    CommandLine|contains|all:
      - one
      - 'two'
  1: { EventID: 4688 }
  keywords:
    - |
      block text
    - plain
  sel_anchor: &shared
    User: admin
  sel_alias: *shared
  sel_num:
    Count|gte: 0x10
  condition: (1 of sel*) or keywords and 1
---
title: second
logsource:
  product: linux
detection:
  selection:
    - a: 1
      b: ~
    - c: .inf
  condition: selection
`;

test('the js-yaml fast path and the yaml lib path give the same rule models, locations included', () => {
  const fast = loadRulesFromText(TRICKY, 'tricky.yml');
  const precise = loadRulesFromText(TRICKY, 'tricky.yml', { yamlParser: 'precise' });
  assert.deepEqual(fast.errors, []);
  assert.equal(fast.rules.length, 2);
  assert.deepEqual(fast, precise);
  assert.equal(fast.rules[0]!.date, '2024-01-31');
});

test('a rule with an error is reported from the yaml lib path, with line, column and field', () => {
  const text = TRICKY.replace('Count|gte: 0x10', 'Count|gte: ten');
  const fast = loadRulesFromText(text, 'bad.yml');
  const precise = loadRulesFromText(text, 'bad.yml', { yamlParser: 'precise' });
  assert.deepEqual(fast, precise);
  assert.equal(fast.errors.length, 1);
  assert.equal(fast.errors[0]!.location.line, 23);
  assert.equal(fast.errors[0]!.location.column, 5);
  assert.equal(fast.errors[0]!.location.field, 'detection.sel_num.Count|gte');
  // The good document of the same file still loads.
  assert.deepEqual(fast.rules.map((r) => r.title), ['second']);
  const empty = loadRulesFromText(TRICKY + '---\n# nothing\n', 'empty.yml');
  assert.deepEqual(empty, loadRulesFromText(TRICKY + '---\n# nothing\n', 'empty.yml', { yamlParser: 'precise' }));
  assert.match(empty.errors[0]!.message, /must be a map/);
  const dup = loadRulesFromText('title: a\ntitle: b\nlogsource: {product: x}\ndetection: {s: {a: 1}, condition: s}\n', 'dup.yml');
  assert.equal(dup.errors[0]!.code, 'sigma.yaml.syntax');
  assert.equal(dup.errors[0]!.location.line, 2);
});

test('all SigmaHQ rules: the fast path and the yaml lib path give deep-equal rule models', { skip: SKIP_CORPORA }, (t) => {
  const dir = join(CORPORA, 'sigma', 'rules');
  if (!existsSync(dir)) {
    t.skip(`${dir} is absent`);
    return;
  }
  const fast = loadRules([dir]);
  const precise = loadRules([dir], { yamlParser: 'precise' });
  assert.ok(fast.rules.length > 3000, `only ${fast.rules.length} rules`);
  assert.equal(fast.rules.length, precise.rules.length);
  for (let i = 0; i < fast.rules.length; i++) assert.deepEqual(fast.rules[i], precise.rules[i], fast.rules[i]!.file);
  assert.deepEqual(fast.errors, precise.errors);
  assert.deepEqual(fast.placeholders, precise.placeholders);
  assert.deepEqual(fast.unsupported, precise.unsupported);
});
