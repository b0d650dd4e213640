import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize } from './registry.js';
import { syslogRecordFromJson } from './shipped-syslog.js';

test('an rsyslog JSON document of an sshd failure is read as linux auth, original kept unchanged', () => {
  const doc = { '@timestamp': '2026-11-28T03:00:00.123+00:00', host: 'web1', programname: 'sshd', procid: '4242', message: ' Failed password for invalid user admin from 203.0.113.9 port 50022 ssh2' };
  const [event] = normalize({ kind: 'json', value: doc });
  assert.equal(event?.profile, 'linux_auth');
  assert.deepEqual(event?.logsource, { product: 'linux', service: 'sshd' });
  assert.equal(event?.core['source.ip'], '203.0.113.9');
  assert.equal(event?.core['user.name'], 'admin');
  assert.equal(event?.core['host.name'], 'web1');
  assert.equal(event?.core['process.pid'], 4242);
  assert.equal(event?.core['@timestamp'], '2026-11-28T03:00:00.123Z');
  assert.equal(event?.original, doc);
});

test('ECS shipped syslog (process.name) and rsyslog syslogtag are recognized; documents without a program are not', () => {
  assert.equal(syslogRecordFromJson({ process: { name: 'sudo' }, message: 'x' })?.appName, 'sudo');
  assert.equal(syslogRecordFromJson({ syslogtag: 'sshd[12]:', msg: 'x' })?.appName, 'sshd');
  assert.equal(syslogRecordFromJson({ message: 'no program' }), undefined);
  assert.equal(normalize({ kind: 'json', value: { program: 'cron', message: 'job ran' } })[0]?.profile, 'generic');
});
