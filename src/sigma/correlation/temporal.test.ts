import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseRule, docs, harness, sec } from './testing/harness.js';

const recon = docs(baseRule('recon_cmd_a', 'cmd', 'whoami'), baseRule('recon_cmd_b', 'cmd', 'ipconfig'), baseRule('recon_cmd_c', 'cmd', 'net user'));

function temporal(type: 'temporal' | 'temporal_ordered', extra = ''): string {
  return `title: Recon
author: Corr Author
correlation:
  type: ${type}
  rules: [recon_cmd_a, recon_cmd_b, recon_cmd_c]
  group-by: [ComputerName, User]
  timespan: 5m${extra}`;
}

const cmd = (c: string, user = 'alice', host = 'ws1') => ({ cmd: c, User: user, ComputerName: host });

test('temporal fires when all rules matched within the timespan for one group, in any order', () => {
  const h = harness(docs(recon, temporal('temporal')));
  assert.deepEqual(h.corr.errors, []);
  assert.deepEqual(h.send(cmd('net user'), sec(0)), []);
  assert.deepEqual(h.send(cmd('whoami'), sec(10)), []);
  assert.deepEqual(h.send(cmd('ipconfig', 'bob'), sec(20)), [], 'another user');
  assert.deepEqual(h.send(cmd('whoami'), sec(30)), [], 'a rule twice is still two of three');
  const [alert] = h.send(cmd('ipconfig'), sec(40));
  assert.equal(alert?.correlationType, 'temporal');
  assert.equal(alert?.distinct, 3);
  assert.equal(alert?.count, 4);
  assert.deepEqual(alert?.group, { ComputerName: 'ws1', User: 'alice' });
  assert.deepEqual(alert?.matches.map((m) => m.ruleId), ['recon_cmd_c rule', 'recon_cmd_a rule', 'recon_cmd_a rule', 'recon_cmd_b rule']);
});

test('temporal does not fire when the rules are spread over more than the timespan', () => {
  const h = harness(docs(recon, temporal('temporal')));
  h.send(cmd('whoami'), sec(0));
  h.send(cmd('ipconfig'), sec(200));
  assert.deepEqual(h.send(cmd('net user'), sec(301)), []);
  assert.equal(h.send(cmd('whoami'), sec(302)).length, 1, 'a new whoami completes the set within 5m');
});

test('temporal with a condition needs that many distinct rules', () => {
  const h = harness(docs(recon, temporal('temporal', '\n  condition: {gte: 2}')));
  assert.deepEqual(h.send(cmd('whoami'), sec(0)), []);
  assert.deepEqual(h.send(cmd('whoami'), sec(1)), []);
  assert.equal(h.send(cmd('net user'), sec(2))[0]?.distinct, 2);
  const exact = harness(docs(recon, temporal('temporal', '\n  condition: {eq: 2}')));
  exact.send(cmd('whoami'), sec(0));
  exact.send(cmd('net user'), sec(1));
  exact.send(cmd('whoami', 'bob'), sec(2));
  exact.send(cmd('ipconfig', 'bob'), sec(3));
  exact.send(cmd('net user', 'bob'), sec(4));
  assert.deepEqual(exact.corr.flush().map((a) => [a.group['User'], a.distinct]), [['alice', 2]], 'bob matched all three');
});

test('temporal_ordered fires for the listed order and rejects the wrong order', () => {
  const h = harness(docs(recon, temporal('temporal_ordered')));
  assert.deepEqual(h.send(cmd('net user'), sec(0)), []);
  assert.deepEqual(h.send(cmd('ipconfig'), sec(1)), []);
  assert.deepEqual(h.send(cmd('whoami'), sec(2)), [], 'c, b, a is the wrong order');
  assert.deepEqual(h.send(cmd('net user'), sec(3)), [], 'a, c skips b');
  assert.deepEqual(h.send(cmd('ipconfig'), sec(4)), []);
  const [alert] = h.send(cmd('net user'), sec(5));
  assert.equal(alert?.correlationType, 'temporal_ordered');
  assert.equal(alert?.distinct, 3);
  assert.deepEqual(alert?.matches.map((m) => [m.event['cmd'], m.time]), [['whoami', sec(2)], ['ipconfig', sec(4)], ['net user', sec(5)]]);
  assert.equal(alert?.firstTime, sec(2));
  assert.equal(alert?.lastTime, sec(5));
});

test('temporal_ordered keeps the latest start so the sequence fits the timespan', () => {
  const h = harness(docs(recon, temporal('temporal_ordered')));
  h.send(cmd('whoami'), sec(0));
  h.send(cmd('whoami'), sec(200));
  h.send(cmd('ipconfig'), sec(250));
  const [alert] = h.send(cmd('net user'), sec(450));
  assert.equal(alert?.firstTime, sec(200), '0 s to 450 s would be too long; 200 s to 450 s fits');
  const late = harness(docs(recon, temporal('temporal_ordered')));
  late.send(cmd('whoami'), sec(0));
  late.send(cmd('ipconfig'), sec(250));
  assert.deepEqual(late.send(cmd('net user'), sec(301)), [], 'the only start is more than 5m back');
});

test('temporal_ordered: one event does not fill two consecutive positions', () => {
  const rules = docs(baseRule('logon', 'EventID', 4624), baseRule('admin_logon', 'LogonType', 10));
  const corr = `title: Logon then admin logon
correlation:
  type: temporal_ordered
  rules: [logon, admin_logon]
  group-by: [User]
  timespan: 1m`;
  const h = harness(docs(rules, corr));
  assert.equal(h.engine.match({ EventID: 4624, LogonType: 10, User: 'x' }).length, 2, 'the event matches both rules');
  assert.deepEqual(h.send({ EventID: 4624, LogonType: 10, User: 'alice' }, sec(0)), [], 'not a sequence by itself');
  // An earlier logon plus that kind of event is a sequence, even though the newest chain of the first
  // position now ends in the very event that fills the second.
  const h2 = harness(docs(rules, corr));
  h2.send({ EventID: 4624, User: 'alice' }, sec(0));
  const [alert] = h2.send({ EventID: 4624, LogonType: 10, User: 'alice' }, sec(5));
  assert.deepEqual(alert?.matches.map((m) => m.time), [sec(0), sec(5)]);
});

test('temporal_ordered orders by event time, not arrival', () => {
  const h = harness(docs(recon, temporal('temporal_ordered')));
  h.send(cmd('ipconfig'), sec(10));
  h.send(cmd('net user'), sec(20));
  const [alert] = h.send(cmd('whoami'), sec(5));
  assert.deepEqual(alert?.matches.map((m) => m.event['cmd']), ['whoami', 'ipconfig', 'net user']);
  const wrong = harness(docs(recon, temporal('temporal_ordered')));
  wrong.send(cmd('ipconfig'), sec(10));
  wrong.send(cmd('net user'), sec(20));
  assert.deepEqual(wrong.send(cmd('whoami'), sec(15)), [], 'whoami at 15 s comes after ipconfig at 10 s');
});

test('aliases group different fields of different rules (spec internal_ip / remote_ip)', () => {
  const yaml = docs(
    `title: Internal error
name: internal_error
logsource: {category: webserver}
detection:
  selection:
    http.response.status_code: 500
  condition: selection`,
    `title: New network connection
name: new_network_connection
logsource: {category: network_connection}
detection:
  selection:
    event.category: network
    event.type: connection
    event.outcome: success
  condition: selection`,
    `title: Error followed by a connection back
id: 1e1bcdb1-0b5c-4e4b-9d62-8a5a5a9bbf2f
author: Corr Author
correlation:
  type: temporal
  rules:
    - internal_error
    - new_network_connection
  group-by:
    - internal_ip
    - remote_ip
  timespan: 10s
  aliases:
    internal_ip:
      internal_error: destination.ip
      new_network_connection: source.ip
    remote_ip:
      internal_error: source.ip
      new_network_connection: destination.ip`,
  );
  const h = harness(yaml);
  assert.deepEqual(h.corr.errors, []);
  const error = { http: { response: { status_code: 500 } }, source: { ip: '203.0.113.7' }, destination: { ip: '10.0.0.5' } };
  const conn = (src: string, dst: string) => ({ event: { category: 'network', type: 'connection', outcome: 'success' }, source: { ip: src }, destination: { ip: dst } });
  assert.deepEqual(h.send(error, sec(0)), []);
  assert.deepEqual(h.send(conn('203.0.113.7', '10.0.0.5'), sec(1)), [], 'same addresses, but the other way round');
  assert.deepEqual(h.send(conn('10.0.0.6', '203.0.113.7'), sec(2)), [], 'another internal host');
  const [alert] = h.send(conn('10.0.0.5', '203.0.113.7'), sec(3));
  assert.deepEqual(alert?.group, { internal_ip: '10.0.0.5', remote_ip: '203.0.113.7' });
  assert.deepEqual(alert?.matches.map((m) => m.ruleId), ['Internal error', 'New network connection']);
});
