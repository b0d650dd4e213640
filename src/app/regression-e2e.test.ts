/**
 * End to end over HTTP: the records of every SigmaHQ regression case are posted to a server running
 * all SigmaHQ rules, and each case's rule must show up as an alert through the alerts API.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonEvents } from '../cli/read-events.js';
import { CORPORA, SKIP_CORPORA } from '../core/corpora.js';
import { findRegressionCases, type RegressionCase } from '../sigma/regress.js';
import type { RunningVigil } from './start.js';
import { startTestServer, type TestServer } from './testing/kit.js';

const TOKEN = 'e2e-regression-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
let server: TestServer | undefined;
let vigil: RunningVigil;

function caseRecords(c: RegressionCase): unknown[] | undefined {
  const file = join(c.dir, `${c.ruleId}.json`);
  if (!existsSync(file)) return undefined;
  return [...readJsonEvents(file, (err) => { throw err; })].map((e) => e.event);
}

before(async () => {
  if (SKIP_CORPORA) return;
  server = await startTestServer('e2e', { adminToken: TOKEN, rulePaths: [join(CORPORA, 'sigma/rules')] });
  vigil = server.vigil;
});

after(() => server?.close());

async function allAlerts(): Promise<{ ruleId: string; count: number }[]> {
  const out: { ruleId: string; count: number }[] = [];
  for (let offset = 0; ; offset += 500) {
    const r = await fetch(`${vigil.url}/api/v1/alerts?limit=500&offset=${offset}`, { headers: auth });
    const page = await r.json() as { total: number; alerts: { ruleId: string; count: number }[] };
    out.push(...page.alerts);
    if (offset + 500 >= page.total) return out;
  }
}

test('every SigmaHQ regression case posted over HTTP raises its rule\'s alert', { skip: SKIP_CORPORA }, async () => {
  const { cases } = findRegressionCases(join(CORPORA, 'sigma-regression'));
  assert.ok(cases.length >= 100, `found ${cases.length} cases`);
  const expected = new Map<string, number>();
  let posted = 0;
  for (const c of cases) {
    const records = caseRecords(c);
    assert.ok(records, `${c.name}: no .json sample`);
    const r = await fetch(`${vigil.url}/api/v1/events`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' }, body: records.map((e) => JSON.stringify(e)).join('\n'),
    });
    const body = await r.json() as { accepted: number; rejected: number };
    assert.equal(r.status, 200, `${c.name}: ${JSON.stringify(body)}`);
    assert.equal(body.accepted, records.length, `${c.name}: ${JSON.stringify(body)}`);
    posted += records.length;
    expected.set(c.ruleId, (expected.get(c.ruleId) ?? 0) + (c.matchCount ?? 1));
  }
  // Detection may run after the acknowledgement: wait until every rule has its alerts (or time runs out).
  const deadline = Date.now() + 60_000;
  let missing: string[] = [];
  for (;;) {
    const counts = new Map<string, number>();
    for (const a of await allAlerts()) counts.set(a.ruleId, (counts.get(a.ruleId) ?? 0) + a.count);
    missing = [...expected].filter(([rule, n]) => (counts.get(rule) ?? 0) < n).map(([rule, n]) => `${rule} (want >= ${n}, got ${counts.get(rule) ?? 0})`);
    if (missing.length === 0 || Date.now() > deadline) break;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  assert.deepEqual(missing, [], `posted ${posted} records of ${cases.length} cases`);
});
