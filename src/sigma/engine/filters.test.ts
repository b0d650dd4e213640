import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadRulesFromText } from '../loader/load.js';
import { loadPipeline } from '../pipeline/load.js';
import { SigmaEngine } from './engine.js';
import { CORPORA, SKIP_CORPORA } from '../testing/helpers.js';
import { evtxEvent, SYSMON } from '../testing/windows-events.js';

const RAR_RULE = `title: Data Compressed - rar.exe
id: 6f3e2987-db24-4c78-a860-b4f4095a7095
author: Vigil tests
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\rar.exe'
  condition: selection
`;

test('a filter rule removes matches of the rules it names (spec example filter_1)', () => {
  const filter = `title: Filter Administrator account
description: The valid administrator account start with adm_
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - 6f3e2987-db24-4c78-a860-b4f4095a7095 # Data Compressed - rar.exe
        - df0841c0-9846-4e9f-ad8a-7df91571771b # Login on jump host
    selection:
        User|startswith: 'adm_'
    condition: selection
`;
  const set = loadRulesFromText(RAR_RULE + '---\n' + filter);
  assert.deepEqual(set.errors, []);
  const engine = SigmaEngine.compile(set.rules, loadPipeline('windows-evtx'));
  assert.equal(engine.stats.filters, 1);
  assert.equal(engine.match(evtxEvent(SYSMON, 1, { Image: 'C:\\bin\\rar.exe', User: 'CORP\\bob' })).length, 1);
  assert.equal(engine.match(evtxEvent(SYSMON, 1, { Image: 'C:\\bin\\rar.exe', User: 'adm_bob' })).length, 0);
});

test('a filter for another logsource does not apply', () => {
  const filter = `title: f\nlogsource: { product: windows, category: file_event }\nfilter:\n  rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]\n  selection: { User|startswith: adm_ }\n  condition: selection\n`;
  const engine = SigmaEngine.compile(loadRulesFromText(RAR_RULE + '---\n' + filter).rules, loadPipeline('windows-evtx'));
  assert.equal(engine.match(evtxEvent(SYSMON, 1, { Image: 'C:\\bin\\rar.exe', User: 'adm_bob' })).length, 1);
});

test('every example rule, filter and correlation of the Sigma 2.1 spec loads and compiles', { skip: SKIP_CORPORA }, () => {
  const dir = join(CORPORA, 'sigma-spec', 'examples');
  for (const kind of ['rules', 'filter', 'correlation']) {
    for (const file of readdirSync(join(dir, kind))) {
      const set = loadRulesFromText(readFileSync(join(dir, kind, file), 'utf8'), file);
      assert.deepEqual(set.errors.map((e) => e.describe()), [], file);
      assert.equal(set.rules.length, 1, file);
      const errors: unknown[] = [];
      SigmaEngine.compile(set.rules, loadPipeline('generic'), { errors: errors as never });
      assert.deepEqual(errors, [], file);
    }
  }
});
