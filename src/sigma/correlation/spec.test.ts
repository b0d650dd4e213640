import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SigmaEngine } from '../engine/engine.js';
import { loadRulesFromText } from '../loader/load.js';
import { loadPipeline } from '../pipeline/load.js';
import { CORPORA } from '../testing/helpers.js';
import { CorrelationEngine } from './engine.js';

// The shared corpora sit beside the checkout (/work/shared/corpora here); other machines may lack them.
const DIR = join(CORPORA, 'sigma-spec', 'examples', 'correlation');
const skip = existsSync(DIR) ? false : `the Sigma spec examples are absent (looked in ${DIR})`;

test('every spec correlation example loads, compiles and resolves', { skip }, () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yml')).sort();
  assert.ok(files.length >= 8, `found ${files.join(', ')}`);
  const pipeline = loadPipeline('generic');
  for (const file of files) {
    const text = readFileSync(join(DIR, file), 'utf8');
    const set = loadRulesFromText(text, file);
    assert.deepEqual(set.errors.map((e) => e.describe()), [], file);
    const [rule] = set.rules;
    assert.equal(rule?.type, 'correlation', file);
    if (rule?.type !== 'correlation') continue;
    SigmaEngine.compile(set.rules, pipeline);

    // Alone, an example references rules that live elsewhere: exactly those are reported.
    const alone = new CorrelationEngine(set.rules);
    assert.deepEqual(alone.errors.map((e) => e.code), rule.rules.map(() => 'sigma.correlation.unknown_rule'), file);

    // With stand-ins for the referenced rules it resolves cleanly and runs.
    const standIns = rule.rules.map((ref, i) =>
      [`title: stand-in ${i}`, /^[0-9a-f-]{36}$/.test(ref) ? `id: ${ref}` : `name: ${ref}`, 'logsource: {product: test}', 'detection:', `  selection: {StandIn: ${i}}`, '  condition: selection'].join('\n'),
    );
    const full = loadRulesFromText([text, ...standIns].join('\n---\n'), file);
    assert.deepEqual(full.errors.map((e) => e.describe()), [], file);
    const engine = SigmaEngine.compile(full.rules, pipeline);
    const corr = new CorrelationEngine(full.rules);
    assert.deepEqual(corr.errors.map((e) => e.describe()), [], file);
    assert.equal(corr.rules.length, 1, file);
    const event: Record<string, unknown> = { StandIn: 0, ComputerName: 'h', WorkstationName: 'w', User: 'u', SourceIP: '1.2.3.4', Image: 'x', BytesOut: 1, bytes_sent: 1, dns: { question: { name: 'a.example' } } };
    const matches = engine.match(event);
    assert.equal(matches.length, 1, file);
    for (const m of matches) corr.process(m, 0);
    assert.equal(corr.stats.missingGroupValue + corr.stats.missingValue, 0, file);
    assert.equal(corr.stats.groups, 1, file);
  }
});
