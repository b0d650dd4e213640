import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRulesFromText } from '../loader/load.js';
import { loadPipeline } from '../pipeline/load.js';
import { SigmaEngine } from './engine.js';
import { AutoEngine } from './auto.js';
import { evtxEvent, SYSMON, winlogbeatEvent } from '../testing/windows-events.js';

const RULES = `
title: Whoami execution
id: 11111111-1111-4111-8111-111111111111
author: Vigil tests
level: medium
tags: [attack.discovery, attack.t1033]
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  filter:
    ParentImage|endswith: '\\monitoring.exe'
  condition: selection and not filter
---
title: Run key set
id: 22222222-2222-4222-8222-222222222222
author: Vigil tests
level: high
logsource: { product: windows, category: registry_set }
detection:
  selection:
    TargetObject|contains: '\\CurrentVersion\\Run\\'
  condition: selection
---
title: Registry key created
id: 33333333-3333-4333-8333-333333333333
author: Vigil tests
logsource: { product: windows, category: registry_add }
detection:
  selection:
    TargetObject|contains: '\\Services\\'
  condition: selection
---
title: Defender threat
id: 44444444-4444-4444-8444-444444444444
author: Vigil tests
logsource: { product: windows, service: windefend }
detection:
  selection:
    EventID: 1116
    ThreatName|contains: Mimikatz
  condition: selection
---
title: Linux rule never routed to Windows
id: 55555555-5555-4555-8555-555555555555
author: Vigil tests
logsource: { product: linux, category: process_creation }
detection:
  selection:
    Image|endswith: '/whoami'
  condition: selection
`;

const set = loadRulesFromText(RULES, 'engine-fixture.yml');
const evtx = SigmaEngine.compile(set.rules, loadPipeline('windows-evtx'));

test('routes by logsource: Sysmon 1 and Security 4688 (with its own field names) are process_creation', () => {
  assert.deepEqual(set.errors, []);
  const sysmon = evtx.match(evtxEvent(SYSMON, 1, { Image: 'C:\\Windows\\System32\\whoami.exe', ParentImage: 'C:\\x\\cmd.exe' }));
  assert.deepEqual(sysmon.map((m) => m.title), ['Whoami execution']);
  const security = evtx.match(evtxEvent('Security', 4688, { NewProcessName: 'C:\\Windows\\System32\\whoami.exe', ParentProcessName: 'C:\\x\\cmd.exe' }, 'Microsoft-Windows-Security-Auditing'));
  assert.deepEqual(security.map((m) => m.title), ['Whoami execution']);
  const filtered = evtx.match(evtxEvent('Security', 4688, { NewProcessName: 'C:\\Windows\\System32\\whoami.exe', ParentProcessName: 'C:\\x\\monitoring.exe' }));
  assert.deepEqual(filtered, []);
  // Same data under another event id is not process creation.
  assert.deepEqual(evtx.match(evtxEvent(SYSMON, 3, { Image: 'C:\\Windows\\System32\\whoami.exe' })), []);
  assert.deepEqual(evtx.stats.unrouted.map((u) => u.rule), ['55555555-5555-4555-8555-555555555555']);
});

test('a match carries rule id, title, level, tags, author and the fields that matched', () => {
  const [m] = evtx.match(evtxEvent(SYSMON, 1, { Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /all' }));
  assert.ok(m);
  assert.equal(m.ruleId, '11111111-1111-4111-8111-111111111111');
  assert.equal(m.level, 'medium');
  assert.deepEqual(m.tags, ['attack.discovery', 'attack.t1033']);
  assert.equal(m.author, 'Vigil tests');
  assert.deepEqual(m.fields, [{ field: 'Image', value: 'C:\\Windows\\System32\\whoami.exe' }]);
  assert.equal(m.fieldValue('Computer'), 'ws01.corp.example');
  assert.equal(m.fieldValue('CommandLine'), 'whoami /all');
});

test('registry categories split Sysmon 12 by EventType', () => {
  const add = evtxEvent(SYSMON, 12, { EventType: 'CreateKey', TargetObject: 'HKLM\\System\\CurrentControlSet\\Services\\evil' });
  assert.deepEqual(evtx.match(add).map((m) => m.title), ['Registry key created']);
  const del = evtxEvent(SYSMON, 12, { EventType: 'DeleteKey', TargetObject: 'HKLM\\System\\CurrentControlSet\\Services\\evil' });
  assert.deepEqual(evtx.match(del), []);
  const set13 = evtxEvent(SYSMON, 13, { EventType: 'SetValue', TargetObject: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\updater' });
  assert.deepEqual(evtx.match(set13).map((m) => m.title), ['Run key set']);
});

test('service channels route, and Defender data names with spaces resolve to Sigma names', () => {
  const ev = evtxEvent('Microsoft-Windows-Windows Defender/Operational', 1116, { 'Threat Name': 'HackTool:Win32/Mimikatz' }, 'Microsoft-Windows-Windows Defender');
  assert.deepEqual(evtx.match(ev).map((m) => m.title), ['Defender threat']);
});

test('winlogbeat documents match the same rules through their own pipeline', () => {
  const wlb = SigmaEngine.compile(set.rules, loadPipeline('winlogbeat'));
  assert.deepEqual(wlb.match(winlogbeatEvent(SYSMON, 1, { Image: 'C:\\Windows\\System32\\whoami.exe' })).map((m) => m.title), ['Whoami execution']);
  assert.deepEqual(wlb.match(winlogbeatEvent(SYSMON, 13, { TargetObject: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\x' })).map((m) => m.title), ['Run key set']);
});

test('the auto engine picks the pipeline from the event shape; generic JSON uses dotted paths', () => {
  const auto = new AutoEngine(set.rules);
  assert.equal(auto.match(evtxEvent(SYSMON, 1, { Image: 'C:\\whoami.exe' })).length, 1);
  assert.equal(auto.match(winlogbeatEvent(SYSMON, 1, { Image: 'C:\\whoami.exe' })).length, 1);
  const generic = loadRulesFromText(`
title: ECS command line
author: t
logsource: { category: process_creation }
detection:
  sel:
    process.command_line|contains: mimikatz
  condition: sel
`);
  const g = new AutoEngine(generic.rules);
  assert.equal(g.match({ process: { command_line: 'x MIMIKATZ y' } }).length, 1);
  assert.equal(g.match({ 'process.command_line': 'mimikatz' }).length, 1);
  assert.equal(g.match({ process: { command_line: 'benign' } }).length, 0);
});

test('the literal index only hands the engine rules whose text occurs in the event', () => {
  const rules = Array.from({ length: 200 }, (_, i) => `title: r${i}\nid: 00000000-0000-4000-8000-${String(i).padStart(12, '0')}\nlogsource: { product: windows, category: process_creation }\ndetection:\n  sel:\n    CommandLine|contains: token${i}x\n  condition: sel\n`).join('---\n');
  const engine = SigmaEngine.compile(loadRulesFromText(rules).rules, loadPipeline('windows-evtx'));
  const m = engine.match(evtxEvent(SYSMON, 1, { CommandLine: 'run token42x and token7x' }));
  assert.deepEqual(m.map((x) => x.title).sort(), ['r42', 'r7']);
  assert.equal(engine.lastCandidates, 2);
  assert.equal(engine.matchNaive(evtxEvent(SYSMON, 1, { CommandLine: 'run token42x and token7x' })), 2);
});
