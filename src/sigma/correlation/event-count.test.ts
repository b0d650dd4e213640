import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseRule, docs, harness, sec } from './testing/harness.js';

const failed = baseRule('failed_login', 'EventID', 4625, '5638f7c0-ac70-491d-8465-2a65075e0d86');

function countRule(condition: string, groupBy = '[User]', timespan = '1m'): string {
  return `title: Many failed logins
id: 0e95725d-7320-415d-80f7-004da920fc11
author: Corr Author
level: high
tags: [attack.t1110]
correlation:
  type: event_count
  rules: [failed_login]
  group-by: ${groupBy}
  timespan: ${timespan}
  condition: ${condition}`;
}

const login = (user: string, computer = 'ws1') => ({ EventID: 4625, User: user, Computer: computer });

test('event_count fires as soon as gte holds, per group, and carries rule metadata', () => {
  const h = harness(docs(failed, countRule('{gte: 3}')));
  assert.deepEqual(h.corr.errors, []);
  assert.deepEqual(h.send(login('alice'), sec(0)), []);
  assert.deepEqual(h.send(login('bob'), sec(1)), []);
  assert.deepEqual(h.send(login('alice'), sec(10)), []);
  assert.deepEqual(h.send(login('bob'), sec(11)), []);
  const [alert, ...rest] = h.send(login('alice'), sec(50));
  assert.equal(rest.length, 0);
  assert.ok(alert);
  assert.equal(alert.ruleId, '0e95725d-7320-415d-80f7-004da920fc11');
  assert.equal(alert.title, 'Many failed logins');
  assert.equal(alert.author, 'Corr Author');
  assert.equal(alert.level, 'high');
  assert.deepEqual(alert.tags, ['attack.t1110']);
  assert.equal(alert.correlationType, 'event_count');
  assert.equal(alert.correlationOnly, false);
  assert.deepEqual(alert.group, { User: 'alice' });
  assert.equal(alert.count, 3);
  assert.equal(alert.firstTime, sec(0));
  assert.equal(alert.lastTime, sec(50));
  assert.deepEqual(alert.matches.map((m) => [m.ruleId, m.title, m.time]), [
    ['5638f7c0-ac70-491d-8465-2a65075e0d86', 'failed_login rule', sec(0)],
    ['5638f7c0-ac70-491d-8465-2a65075e0d86', 'failed_login rule', sec(10)],
    ['5638f7c0-ac70-491d-8465-2a65075e0d86', 'failed_login rule', sec(50)],
  ]);
  assert.equal(alert.matches[2]!.event['User'], 'alice');
  // The group restarts after firing: one burst, one alert.
  assert.deepEqual(h.send(login('alice'), sec(51)), []);
  assert.deepEqual(h.send(login('alice'), sec(52)), []);
  assert.equal(h.send(login('alice'), sec(53)).length, 1);
});

test('event_count forgets events that left the sliding window', () => {
  const h = harness(docs(failed, countRule('{gte: 3}')));
  h.send(login('alice'), sec(0));
  h.send(login('alice'), sec(30));
  assert.deepEqual(h.send(login('alice'), sec(61)), [], 'the first event is 61 s old, outside 1m');
  const alerts = h.send(login('alice'), sec(70));
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.count, 3);
  assert.equal(alerts[0]!.firstTime, sec(30));
});

test('the window edge is inclusive: events exactly one timespan apart are within it', () => {
  const h = harness(docs(failed, countRule('{gte: 2}')));
  h.send(login('alice'), sec(0));
  assert.equal(h.send(login('alice'), sec(60)).length, 1);
});

test('group-by with several fields keeps each combination apart', () => {
  const h = harness(docs(failed, countRule('{gte: 2}', '[User, Computer]')));
  assert.deepEqual(h.send(login('alice', 'ws1'), sec(0)), []);
  assert.deepEqual(h.send(login('alice', 'ws2'), sec(1)), []);
  assert.deepEqual(h.send(login('bob', 'ws1'), sec(2)), []);
  const alerts = h.send(login('alice', 'ws2'), sec(3));
  assert.deepEqual(alerts.map((a) => a.group), [{ User: 'alice', Computer: 'ws2' }]);
});

test('matches without a group-by value are skipped and counted', () => {
  const h = harness(docs(failed, countRule('{gte: 1}')));
  assert.deepEqual(h.send({ EventID: 4625 }, sec(0)), []);
  assert.equal(h.corr.stats.missingGroupValue, 1);
});

test('slightly late events count; events older than the window are dropped', () => {
  const h = harness(docs(failed, countRule('{gte: 3}')));
  h.send(login('alice'), sec(100));
  assert.deepEqual(h.send(login('alice'), sec(30)), [], 'older than 100 s - 60 s');
  assert.equal(h.corr.stats.lateEvents, 1);
  h.send(login('alice'), sec(95));
  const alerts = h.send(login('alice'), sec(90));
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.firstTime, sec(90));
  assert.equal(alerts[0]!.lastTime, sec(100));
  assert.deepEqual(alerts[0]!.matches.map((m) => m.time), [sec(90), sec(95), sec(100)]);
});

/** Sends n events for one user inside one window, then closes all windows. */
function runCount(condition: string, n: number) {
  const h = harness(docs(failed, countRule(condition)));
  const immediate = [];
  for (let i = 0; i < n; i++) immediate.push(...h.send(login('alice'), sec(i)));
  const flushed = h.corr.flush();
  return { immediate, flushed, fired: immediate.length + flushed.length };
}

test('every condition operator and a range', () => {
  const cases: [string, number, number][] = [
    ['{gt: 2}', 2, 0],
    ['{gt: 2}', 3, 1],
    ['{gte: 3}', 2, 0],
    ['{gte: 3}', 3, 1],
    ['{lt: 3}', 2, 1],
    ['{lt: 3}', 3, 0],
    ['{lte: 3}', 3, 1],
    ['{lte: 3}', 4, 0],
    ['{eq: 3}', 2, 0],
    ['{eq: 3}', 3, 1],
    ['{eq: 3}', 4, 0],
    ['{neq: 3}', 2, 1],
    ['{neq: 3}', 3, 0],
    ['{neq: 3}', 4, 1],
    ['{gt: 1, lte: 3}', 1, 0],
    ['{gt: 1, lte: 3}', 2, 1],
    ['{gt: 1, lte: 3}', 3, 1],
    ['{gt: 1, lte: 3}', 4, 0],
  ];
  for (const [condition, n, expected] of cases) {
    assert.equal(runCount(condition, n).fired, expected, `${condition} with ${n} events`);
  }
});

test('upper-bounded conditions are decided when the window closes, not while it is open', () => {
  const { immediate, flushed } = runCount('{lt: 3}', 2);
  assert.equal(immediate.length, 0);
  assert.equal(flushed.length, 1);
  assert.equal(flushed[0]!.count, 2);
  assert.equal(flushed[0]!.firstTime, sec(0));
  assert.equal(flushed[0]!.lastTime, sec(1));
});

test('a deferred window closes on flush(now) after it ended, or on a later event of the group', () => {
  const h = harness(docs(failed, countRule('{lte: 2}')));
  h.send(login('alice'), sec(0));
  h.send(login('bob'), sec(30));
  assert.deepEqual(h.corr.flush(sec(59)), [], 'no window has ended yet');
  const closed = h.corr.flush(sec(61));
  assert.deepEqual(closed.map((a) => a.group), [{ User: 'alice' }]);
  const next = h.send(login('bob'), sec(95));
  assert.deepEqual(next.map((a) => [a.group['User'], a.count]), [['bob', 1]], 'bob window [30 s, 90 s] closed by the 95 s event');
  assert.equal(h.corr.stats.groups, 1, 'the 95 s event opened a new window');
  assert.deepEqual(h.corr.flush().map((a) => [a.group['User'], a.count, a.firstTime]), [['bob', 1, sec(95)]]);
  assert.equal(h.corr.stats.groups, 0);
});

test('a late event joins an open deferred window only while the window fits one timespan', () => {
  const h = harness(docs(failed, countRule('{eq: 3}')));
  h.send(login('alice'), sec(100));
  h.send(login('alice'), sec(120));
  h.send(login('alice'), sec(70), ); // 50 s before the newest: joins and moves the window start back
  h.send(login('alice'), sec(50)); // 70 s before the newest: late
  assert.equal(h.corr.stats.lateEvents, 1);
  const [alert] = h.corr.flush();
  assert.equal(alert?.count, 3);
  assert.equal(alert?.firstTime, sec(70));
});

test('generate decides whether base matches are also standalone alerts', () => {
  const withoutGenerate = harness(docs(failed, countRule('{gte: 2}')));
  withoutGenerate.send(login('alice'), sec(0));
  assert.equal(withoutGenerate.lastMatches[0]!.correlationOnly, true);
  const generating = harness(docs(failed, countRule('{gte: 2}').replace('  type: event_count', '  type: event_count\n  generate: true')));
  generating.send(login('alice'), sec(0));
  assert.equal(generating.lastMatches[0]!.correlationOnly, false);
  assert.equal(generating.send(login('alice'), sec(1)).length, 1, 'the correlation runs either way');
});

test('an event matching two listed rules counts once', () => {
  const yaml = docs(
    failed,
    baseRule('admin_failure', 'User', 'admin'),
    countRule('{gte: 2}').replace('rules: [failed_login]', 'rules: [failed_login, admin_failure]'),
  );
  const h = harness(yaml);
  assert.deepEqual(h.send(login('admin'), sec(0)), []);
  assert.equal(h.lastMatches.length, 2);
  assert.deepEqual(h.send({ User: 'admin' }, sec(1)).map((a) => a.count), [2]);
});

test('rules can be referenced by id as well as by name', () => {
  const h = harness(docs(failed, countRule('{gte: 2}').replace('rules: [failed_login]', 'rules: [5638f7c0-ac70-491d-8465-2a65075e0d86]')));
  assert.deepEqual(h.corr.errors, []);
  h.send(login('alice'), sec(0));
  assert.equal(h.send(login('alice'), sec(1)).length, 1);
  assert.equal(h.corr.consumes({ name: 'failed_login' }), true);
  assert.equal(h.corr.consumes({ name: 'other' }), false);
});
