import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseRule, docs, harness, sec } from './testing/harness.js';

const failed = baseRule('failed_login', 'EventID', 4625);
const web = baseRule('website_access', 'event.category', 'web');
const proc = baseRule('process_creation', 'EventID', 1);

function corrRule(type: string, rule: string, groupBy: string, condition: string, timespan = '1h'): string {
  return `title: ${type} test
name: ${type}_test
author: Corr Author
correlation:
  type: ${type}
  rules: [${rule}]
  group-by: ${groupBy}
  timespan: ${timespan}
  condition: ${condition}`;
}

test('value_count counts distinct values of the condition field per group', () => {
  const h = harness(docs(failed, corrRule('value_count', 'failed_login', '[Computer]', '{field: User, gte: 3}')));
  const send = (user: string, computer: string, s: number) => h.send({ EventID: 4625, User: user, Computer: computer }, sec(s));
  assert.deepEqual(send('alice', 'dc1', 0), []);
  assert.deepEqual(send('alice', 'dc1', 1), []);
  assert.deepEqual(send('bob', 'dc1', 2), []);
  assert.deepEqual(send('carol', 'dc2', 3), [], 'another computer');
  assert.deepEqual(send('bob', 'dc1', 4), []);
  const [alert] = send('dave', 'dc1', 5);
  assert.equal(alert?.distinct, 3);
  assert.equal(alert?.count, 5);
  assert.deepEqual(alert?.group, { Computer: 'dc1' });
  assert.equal(alert?.author, 'Corr Author');
});

test('value_count forgets values last seen before the window, also after late arrivals', () => {
  const h = harness(docs(failed, corrRule('value_count', 'failed_login', '[Computer]', '{field: User, gte: 3}', '1m')));
  const send = (user: string, s: number) => h.send({ EventID: 4625, User: user, Computer: 'dc1' }, sec(s));
  send('alice', 0);
  assert.deepEqual(send('bob', 65), [], 'alice at 0 s left the window [5 s, 65 s]');
  assert.deepEqual(send('carol', 10), [], 'late but inside the window: bob, carol');
  assert.deepEqual(send('dave', 75), [], 'the window is now [15 s, 75 s]: carol (10 s) is out although she arrived after bob');
  const [alert] = send('erin', 76);
  assert.equal(alert?.distinct, 3, 'bob, dave, erin');
});

test('value_count with a list of fields counts distinct combinations', () => {
  const h = harness(docs(failed, corrRule('value_count', 'failed_login', '[Computer]', '{field: [User, Domain], gte: 2}')));
  const send = (user: string, domain: string, s: number) => h.send({ EventID: 4625, User: user, Domain: domain, Computer: 'dc1' }, sec(s));
  assert.deepEqual(send('alice', 'CORP', 0), []);
  assert.deepEqual(send('alice', 'CORP', 1), []);
  assert.equal(send('alice', 'LAB', 2).length, 1);
});

test('value_count with an upper bound is decided at window close', () => {
  const h = harness(docs(failed, corrRule('value_count', 'failed_login', '[Computer]', '{field: User, lt: 2}')));
  h.send({ EventID: 4625, User: 'alice', Computer: 'dc1' }, sec(0));
  h.send({ EventID: 4625, User: 'alice', Computer: 'dc1' }, sec(1));
  h.send({ EventID: 4625, User: 'alice', Computer: 'dc2' }, sec(2));
  h.send({ EventID: 4625, User: 'bob', Computer: 'dc2' }, sec(3));
  assert.deepEqual(h.corr.flush().map((a) => [a.group['Computer'], a.distinct, a.count]), [['dc1', 1, 2]]);
});

test('value_sum adds the numeric field per group and fires once the sum passes the limit', () => {
  const h = harness(docs(web, corrRule('value_sum', 'website_access', '[SourceIP, User]', '{field: bytes_sent, gt: 1000000}')));
  const send = (bytes: unknown, s: number, user = 'alice') => h.send({ event: { category: 'web' }, SourceIP: '10.0.0.1', User: user, bytes_sent: bytes }, sec(s));
  assert.deepEqual(send(400_000, 0), []);
  assert.deepEqual(send('500000', 60), [], 'numeric strings count');
  assert.deepEqual(send(900_000, 61, 'bob'), []);
  assert.deepEqual(send('n/a', 62), [], 'not a number: skipped');
  assert.equal(h.corr.stats.missingValue, 1);
  const [alert] = send(100_001, 120);
  assert.equal(alert?.sum, 1_000_001);
  assert.equal(alert?.count, 3);
  assert.deepEqual(alert?.group, { SourceIP: '10.0.0.1', User: 'alice' });
});

test('value_sum only sums the window', () => {
  const h = harness(docs(web, corrRule('value_sum', 'website_access', '[User]', '{field: bytes_sent, gte: 100}', '10s')));
  const send = (bytes: number, s: number) => h.send({ event: { category: 'web' }, User: 'alice', bytes_sent: bytes }, sec(s));
  send(60, 0);
  assert.deepEqual(send(60, 11), [], 'the first 60 expired');
  assert.equal(send(40, 12)[0]?.sum, 100);
});

test('value_avg fires on the average; with an upper bound at window close', () => {
  const high = harness(docs(web, corrRule('value_avg', 'website_access', '[User]', '{field: BytesOut, gt: 500}')));
  const sendHigh = (bytes: number, s: number) => high.send({ event: { category: 'web' }, User: 'alice', BytesOut: bytes }, sec(s));
  assert.deepEqual(sendHigh(100, 0), []);
  assert.deepEqual(sendHigh(800, 1), [], 'average 450');
  const [alert] = sendHigh(700, 2);
  assert.equal(alert?.avg, 1600 / 3);
  assert.equal(alert?.sum, 1600);

  const low = harness(docs(web, corrRule('value_avg', 'website_access', '[User]', '{field: BytesOut, lte: 100}')));
  const sendLow = (user: string, bytes: number, s: number) => low.send({ event: { category: 'web' }, User: user, BytesOut: bytes }, sec(s));
  assert.deepEqual(sendLow('alice', 50, 0), [], 'an open window is not decided');
  sendLow('alice', 150, 1);
  sendLow('bob', 150, 2);
  sendLow('bob', 300, 3);
  assert.deepEqual(low.corr.flush().map((a) => [a.group['User'], a.avg]), [['alice', 100]]);
});

test('value_percentile flags a value seen in at most the given percent of the group window (rarity)', () => {
  const h = harness(docs(proc, corrRule('value_percentile', 'process_creation', '[ComputerName]', '{field: Image, lte: 1}', '24h')));
  const send = (image: string, s: number, host = 'ws1') => h.send({ EventID: 1, ComputerName: host, Image: image }, sec(s));
  for (let i = 0; i < 99; i++) assert.deepEqual(send('C:\\Windows\\svchost.exe', i), [], 'a common value');
  assert.deepEqual(send('C:\\Temp\\evil.exe', 50, 'ws2'), [], 'on another host it is 100% of that host');
  const [alert, ...rest] = send('C:\\Temp\\evil.exe', 100);
  assert.equal(rest.length, 0);
  assert.equal(alert?.percentile, 1, '1 of 100 events');
  assert.equal(alert?.value, 'C:\\Temp\\evil.exe');
  assert.equal(alert?.count, 100);
  assert.deepEqual(alert?.group, { ComputerName: 'ws1' });
  assert.deepEqual(alert?.matches.map((m) => m.event['Image']), ['C:\\Temp\\evil.exe'], 'the rare event itself');
  // The group keeps its history (a reset would make every next value 100%).
  assert.deepEqual(send('C:\\Temp\\evil.exe', 101), [], '2 of 101 is above 1%, and it already alerted');
  for (let i = 0; i < 200; i++) send('C:\\Windows\\svchost.exe', 102 + i);
  assert.deepEqual(send('C:\\Temp\\evil.exe', 400), [], 'now 3 of 303 (<1%), but already alerted within the timespan');
  assert.equal(send('C:\\Temp\\other.exe', 401).length, 1, 'another rare value alerts');
});

test('value_percentile with gte flags common values, each once per timespan', () => {
  const h = harness(docs(proc, corrRule('value_percentile', 'process_creation', '[ComputerName]', '{field: Image, gte: 50}', '1m')));
  const send = (image: string, s: number) => h.send({ EventID: 1, ComputerName: 'ws1', Image: image }, sec(s));
  assert.deepEqual(send('a', 0).map((a) => a.percentile), [100], 'the first event is all of its window');
  assert.deepEqual(send('b', 1).map((a) => a.percentile), [50]);
  assert.deepEqual(send('a', 2), []);
  assert.deepEqual(send('a', 70).map((a) => [a.value, a.count]), [['a', 1]], 'a minute later the window holds only this event');
});
