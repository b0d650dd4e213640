import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseRule, docs, harness, sec } from './testing/harness.js';

const failed = baseRule('failed_login', 'EventID', 4625);
const corrRule = (type: string, condition: string, timespan = '1h') => `title: Bounded
author: Corr Author
correlation:
  type: ${type}
  rules: [failed_login]
  group-by: [User]
  timespan: ${timespan}
  condition: ${condition}`;

test('groups per rule are capped; the least recently updated group is evicted', () => {
  const h = harness(docs(failed, corrRule('event_count', '{gte: 2}')), { maxGroups: 10 });
  for (let i = 0; i < 50; i++) h.send({ EventID: 4625, User: `user${i}` }, sec(i));
  assert.equal(h.corr.stats.groups, 10);
  assert.equal(h.corr.stats.evictedGroups, 40);
  assert.deepEqual(h.send({ EventID: 4625, User: 'user0' }, sec(60)), [], 'user0 was evicted and starts over');
  assert.equal(h.send({ EventID: 4625, User: 'user49' }, sec(61)).length, 1, 'user49 was kept');
});

test('counts stay exact beyond the per-group entry cap; only expiry gets coarse', () => {
  const h = harness(docs(failed, corrRule('event_count', '{gte: 500}')), { maxEventsPerGroup: 16, maxMatchesPerAlert: 5 });
  const alerts = [];
  for (let i = 0; i < 500; i++) alerts.push(...h.send({ EventID: 4625, User: 'alice' }, sec(i)));
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.count, 500);
  assert.ok(h.corr.stats.mergedEntries > 0);
  assert.deepEqual(alerts[0]!.matches.map((m) => m.time), [sec(495), sec(496), sec(497), sec(498), sec(499)], 'the newest references');

  // Three events a second hold about 1,800 in a 10m window; 20 minutes of them never reach 2,000
  // although 3,600 arrive: merged buckets still leave the window.
  const run = (condition: string) => {
    const slide = harness(docs(failed, corrRule('event_count', condition, '10m')), { maxEventsPerGroup: 16 });
    let fired = 0;
    for (let i = 0; i < 3600; i++) fired += slide.send({ EventID: 4625, User: 'alice' }, sec(i / 3)).length;
    return fired;
  };
  assert.equal(run('{gte: 2000}'), 0);
  assert.equal(run('{gte: 1700}'), 2);
});

test('distinct values per group are capped', () => {
  const h = harness(docs(failed, corrRule('value_count', '{field: Target, gte: 1000000}')), { maxEventsPerGroup: 100 });
  for (let i = 0; i < 1000; i++) h.send({ EventID: 4625, User: 'alice', Target: `t${i}` }, sec(i));
  assert.equal(h.corr.stats.droppedEntries, 900);
});

test('huge group values are truncated rather than kept whole', () => {
  const h = harness(docs(failed, corrRule('event_count', '{gte: 2}')));
  const user = 'x'.repeat(100_000);
  h.send({ EventID: 4625, User: user }, sec(0));
  const [alert] = h.send({ EventID: 4625, User: user }, sec(1));
  assert.equal(alert?.group['User']?.length, 1024);
});

test('flush(now) forgets idle sliding groups; flush() clears everything', () => {
  const h = harness(docs(failed, corrRule('event_count', '{gte: 5}', '1m')));
  h.send({ EventID: 4625, User: 'alice' }, sec(0));
  h.send({ EventID: 4625, User: 'bob' }, sec(50));
  assert.deepEqual(h.corr.flush(sec(100)), []);
  assert.equal(h.corr.stats.groups, 1, 'alice idle for more than the timespan');
  assert.deepEqual(h.corr.flush(), []);
  assert.equal(h.corr.stats.groups, 0);
});

test('a non-finite event time is refused and counted', () => {
  const h = harness(docs(failed, corrRule('event_count', '{gte: 1}')));
  assert.deepEqual(h.send({ EventID: 4625, User: 'alice' }, Number.NaN), []);
  assert.equal(h.corr.stats.invalidTime, 1);
  assert.equal(h.corr.stats.groups, 0);
});

test('temporal_ordered history is capped on hostile input', () => {
  const yaml = docs(
    baseRule('a', 'cmd', 'a'),
    baseRule('b', 'cmd', 'b'),
    `title: Ordered
correlation:
  type: temporal_ordered
  rules: [a, b, a, b]
  group-by: [User]
  timespan: 1h`,
  );
  const h = harness(yaml, { maxEventsPerGroup: 50 });
  for (let i = 0; i < 500; i++) h.send({ cmd: 'b', User: 'alice' }, sec(1000 - i));
  assert.equal(h.corr.stats.droppedEntries, 450);
  assert.equal(h.send({ cmd: 'a', User: 'alice' }, sec(2000)).length, 0);
  assert.equal(h.send({ cmd: 'b', User: 'alice' }, sec(2001)).length, 0);
  assert.equal(h.send({ cmd: 'a', User: 'alice' }, sec(2002)).length, 0);
  assert.equal(h.send({ cmd: 'b', User: 'alice' }, sec(2003)).length, 1, 'a b a b: a rule may appear at several positions');
});
