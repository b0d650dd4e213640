import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStores } from './index.js';

test('deliveries: due gives the oldest pending per (target, case); a waiting change is replaced; prune keeps pending', () => {
  const stores = openSqliteStores(':memory:');
  const s = stores.deliveries;
  try {
    const a1 = s.enqueue({ target: 'jira', caseId: 1, event: 'created', payload: '{"v":1}' }, 100);
    const a2 = s.enqueue({ target: 'jira', caseId: 1, event: 'updated', payload: '{"v":2}' }, 101);
    const a3 = s.enqueue({ target: 'jira', caseId: 1, event: 'updated', payload: '{"v":3}' }, 102);
    assert.equal(a3.id, a2.id, 'replaced the waiting one');
    assert.equal(s.get(a2.id)!.payload, '{"v":3}');
    const b1 = s.enqueue({ target: 'hook', caseId: 1, event: 'created', payload: '{}' }, 103);
    const c1 = s.enqueue({ target: 'jira', caseId: 2, event: 'created', payload: '{}' }, 104);
    assert.deepEqual(s.due(1000, 10).map((d) => d.id), [a1.id, b1.id, c1.id]);
    assert.deepEqual(s.due(103, 10).map((d) => d.id), [a1.id, b1.id]);
    assert.equal(s.nextDueAt(), 100);

    s.recordAttempt({ deliveryId: a1.id, target: 'jira', caseId: 1, at: 200, statusCode: 503, durationMs: 5, error: 'HTTP 503', detail: null, outcome: 'retry' }, { state: 'pending', nextAt: 5000, error: 'HTTP 503' });
    assert.deepEqual(s.due(1000, 10).map((d) => d.id), [b1.id, c1.id], 'a backing-off head blocks its case only');
    s.recordAttempt({ deliveryId: b1.id, target: 'hook', caseId: 1, at: 200, statusCode: 503, durationMs: 5, error: 'x', detail: null, outcome: 'retry' }, { state: 'pending', nextAt: 4000 });
    s.recordAttempt({ deliveryId: c1.id, target: 'jira', caseId: 2, at: 200, statusCode: 503, durationMs: 5, error: 'x', detail: null, outcome: 'retry' }, { state: 'pending', nextAt: 4500 });
    assert.equal(s.nextDueAt(), 4000, 'a waiting change behind a backing-off head is not due');
    s.recordAttempt({ deliveryId: a1.id, target: 'jira', caseId: 1, at: 5000, statusCode: 201, durationMs: 7, error: null, detail: 'created SEC-1', outcome: 'delivered' }, { state: 'delivered' });
    assert.deepEqual(s.due(6000, 10).map((d) => d.id), [a2.id, b1.id, c1.id]);
    const d = s.get(a1.id)!;
    assert.deepEqual([d.state, d.attempts, d.lastError], ['delivered', 2, null]);
    assert.deepEqual(s.attempts([a1.id]).map((x) => [x.statusCode, x.outcome, x.detail]), [[503, 'retry', null], [201, 'delivered', 'created SEC-1']]);
    // A fourth change: the head (a2) may be in flight, so a new waiting one is queued behind it.
    const a4 = s.enqueue({ target: 'jira', caseId: 1, event: 'updated', payload: '{"v":4}' }, 6001);
    assert.notEqual(a4.id, a2.id);

    assert.deepEqual(s.list({ target: 'jira', caseId: 1 }).deliveries.map((x) => x.id), [a4.id, a2.id, a1.id]);
    assert.equal(s.list({ state: 'delivered' }).total, 1);
    assert.equal(s.prune(10_000), 1);
    assert.equal(s.get(a1.id), undefined);
    assert.deepEqual(s.attempts([a1.id]), []);
    assert.equal(s.list({ state: 'pending' }).total, 4);

    s.setRef({ target: 'snow', caseId: 1, ticketKey: 'abc', alias: 'INC0001', syncedStatus: 'open' }, 1);
    assert.equal(s.findRef('snow', 'INC0001')!.ticketKey, 'abc');
    assert.equal(s.findRef('snow', 'abc')!.caseId, 1);
    assert.equal(s.findRef('jira', 'abc'), undefined);
    s.setSyncedStatus('snow', 1, 'closed', 2);
    assert.equal(s.getRef('snow', 1)!.syncedStatus, 'closed');
  } finally {
    stores.close();
  }
});
