import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadRules, loadRulesFromText } from '../loader/load.js';
import { loadPipeline } from '../pipeline/load.js';
import { SigmaEngine } from './engine.js';
import { CORPORA, HAVE_CORPORA } from '../testing/helpers.js';
import { evtxEvent, SYSMON } from '../testing/windows-events.js';

// Classic catastrophic-backtracking shapes: a backtracking engine would take exponential time on them.
const HOSTILE_RULES = `title: nested quantifier
logsource: { product: windows, category: process_creation }
detection:
  sel:
    CommandLine|re: '(a+)+b'
  condition: sel
---
title: overlapping alternation
logsource: { product: windows, category: process_creation }
detection:
  sel:
    CommandLine|re: '(a|aa)*c'
  condition: sel
---
title: many wildcards
logsource: { product: windows, category: process_creation }
detection:
  sel:
    CommandLine: '*a*a*a*a*a*a*a*a*a*a*b'
  condition: sel
`;

/** A 1 MB command line built to defeat literal prefilters: long runs plus fragments rules look for. */
function hostileField(): string {
  const unit = 'a'.repeat(200) + ' -enc powershell.exe cmd.exe /c \\AppData\\ http:// rundll32 ';
  return unit.repeat(Math.ceil((1 << 20) / unit.length)).slice(0, 1 << 20);
}

test('a 1 MB hostile field against every rule finishes (linear-time regex, bounded wildcard matching)', { timeout: 120_000 }, () => {
  const set = HAVE_CORPORA ? loadRules([join(CORPORA, 'sigma', 'rules')]) : loadRulesFromText(HOSTILE_RULES);
  set.rules.push(...loadRulesFromText(HOSTILE_RULES).rules);
  const engine = SigmaEngine.compile(set.rules, loadPipeline('windows-evtx'));
  const field = hostileField();
  const event = evtxEvent(SYSMON, 1, { CommandLine: field, Image: field, ParentImage: 'C:\\x.exe', ParentCommandLine: field });
  const matches = engine.match(event);
  assert.ok(Array.isArray(matches));
  // The hostile rules themselves must not match this text (no 'b'/'c' after the runs of 'a').
  assert.ok(!matches.some((m) => m.title === 'nested quantifier'));
});
