import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadRules } from './loader/load.js';
import { loadPipeline } from './pipeline/load.js';
import { SigmaEngine } from './engine/engine.js';
import { runRegression } from './regress.js';
import { CORPORA, SKIP_CORPORA } from './testing/helpers.js';
import { readJsonValues } from '../formats/jsonseq/read.js';
import { readFileSync, existsSync } from 'node:fs';
import type { EventObject } from '../core/event.js';

test('all SigmaHQ rule files load with 0 errors; placeholder rules report their placeholders', { skip: SKIP_CORPORA }, () => {
  const set = loadRules([join(CORPORA, 'sigma', 'rules')]);
  assert.equal(set.files, 3780);
  assert.deepEqual(set.errors.map((e) => e.describe()).slice(0, 5), []);
  assert.equal(set.rules.length, 3780);
  assert.ok(set.placeholders.length > 0);
  assert.ok(set.placeholders.every((p) => p.placeholders.length > 0 && p.file.includes('placeholder') || p.file.includes('emerging')));
  const errors: unknown[] = [];
  SigmaEngine.compile(set.rules, loadPipeline('windows-evtx'), { errors: errors as never });
  assert.deepEqual(errors, []);
});

test('every SigmaHQ regression case passes from its JSON records', { skip: SKIP_CORPORA }, () => {
  const set = loadRules([join(CORPORA, 'sigma', 'rules')]);
  const engine = SigmaEngine.compile(set.rules, loadPipeline('windows-evtx'));
  const result = runRegression(engine, join(CORPORA, 'sigma-regression'), (c) => {
    const file = join(c.dir, `${c.ruleId}.json`);
    if (!existsSync(file)) return undefined;
    return [...readJsonValues(readFileSync(file, 'utf8'), file)].map((v) => {
      if (v instanceof Error) throw v;
      return v.value as EventObject;
    });
  });
  assert.deepEqual(result.failed, []);
  assert.equal(result.cases, 101);
  assert.equal(result.passed, 101);
});
