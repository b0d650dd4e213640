import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPORA, SKIP_CORPORA } from '../core/corpora.js';
import type { EventObject } from '../core/event.js';
import { readJsonValues } from '../formats/jsonseq/read.js';
import { findRegressionCases } from '../sigma/regress.js';
import { fixture } from './testing/fixtures.js';

test('with every SigmaHQ rule, each regression case streamed through the stage raises its rule\'s alert', { skip: SKIP_CORPORA }, async (t) => {
  const f = fixture();
  t.after(() => f.close());
  const stage = f.stage([join(CORPORA, 'sigma', 'rules')], { maxInFlight: 1_000_000 });
  const report = await stage.start();
  assert.equal(report.loaded, 3780);
  assert.deepEqual(report.errors, []);
  const { cases } = findRegressionCases(join(CORPORA, 'sigma-regression'));
  const expected = new Map<string, number[]>();
  for (const c of cases) {
    const file = join(c.dir, `${c.ruleId}.json`);
    if (!existsSync(file)) continue;
    const records = [...readJsonValues(readFileSync(file, 'utf8'), file)].map((v) => {
      if (v instanceof Error) throw v;
      return v.value as EventObject;
    });
    const events = f.commit(records);
    expected.set(c.ruleId, events.map((e) => e.id));
    stage.push(events);
  }
  await stage.idle();
  assert.ok(expected.size >= 100);
  const seen = new Map<string, Set<number>>();
  for (let offset = 0; ; offset += 500) {
    const { alerts } = f.stores.alerts.list({ limit: 500, offset });
    if (alerts.length === 0) break;
    for (const a of alerts) {
      const ids = seen.get(a.ruleId) ?? new Set<number>();
      for (const id of a.eventIds) ids.add(id);
      seen.set(a.ruleId, ids);
    }
  }
  const missing = [...expected].filter(([rule, ids]) => !ids.some((id) => seen.get(rule)?.has(id))).map(([rule]) => rule);
  assert.deepEqual(missing, []);
});
