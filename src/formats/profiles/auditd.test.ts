import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../../core/errors.js';
import { parseSyslog } from '../syslog/parse.js';
import { parseAuditLine } from './auditd-parse.js';
import { auditdProfile } from './auditd.js';
import { compareWithElastic, logText, needsCorpus, type AcceptedDifference, type Tally } from './corpus.testkit.js';
import { detectProfile } from './registry.js';

test('SYSCALL + EXECVE + PROCTITLE: quoted values, hex-encoded values, numeric hex left alone', () => {
  const syscall = parseAuditLine('type=SYSCALL msg=audit(1364481363.243:24287): arch=c000003e syscall=59 success=yes exit=0 a0=7f1e a1=7f20 items=2 ppid=2686 pid=3538 auid=500 uid=0 tty=pts0 comm="cat" exe="/usr/bin/cat" key="sshd_config"');
  assert.equal(syscall.type, 'SYSCALL');
  assert.equal(syscall.epochMs, 1364481363243);
  assert.equal(syscall.serial, 24287);
  assert.deepEqual([syscall.fields.a0, syscall.fields.comm, syscall.fields.exe, syscall.fields.key], ['7f1e', 'cat', '/usr/bin/cat', 'sshd_config']);
  const execve = parseAuditLine('type=EXECVE msg=audit(1364481363.243:24287): argc=3 a0="cat" a1="-n" a2=2F746D702F6D792066696C65');
  assert.equal(execve.fields.a2, '/tmp/my file');
  const title = parseAuditLine('type=PROCTITLE msg=audit(1364481363.243:24287): proctitle=636174002F6574632F7373682F737368645F636F6E666967');
  assert.equal(title.fields.proctitle, 'cat /etc/ssh/sshd_config');
});

test('user-space payload msg=\'...\' is flattened; node= prefix; old/new pairs', () => {
  const r = parseAuditLine("node=web1 type=USER_AUTH msg=audit(1489636977.804:19623807): pid=28395 uid=0 auid=700 ses=12286 msg='op=PAM:authentication acct=\"root\" exe=\"/bin/su\" hostname=? addr=10.1.2.3 terminal=pts/0 res=failed'");
  assert.equal(r.node, 'web1');
  assert.deepEqual([r.fields.op, r.fields.acct, r.fields.exe, r.fields.addr, r.fields.res], ['PAM:authentication', 'root', '/bin/su', '10.1.2.3', 'failed']);
  const login = parseAuditLine('type=LOGIN msg=audit(1489636960.072:19623791): pid=28281 uid=0 old auid=700 new auid=701 old ses=6793 new ses=12286');
  assert.deepEqual([login.fields.old_auid, login.fields.new_auid, login.fields.new_ses], ['700', '701', '12286']);
  const op = parseAuditLine("type=ADD_GROUP msg=audit(1610903553.686:584): pid=2940 uid=0 msg='op=adding group to /etc/group id=1004 exe=\"/usr/sbin/groupadd\" res=success'");
  assert.equal(op.fields.op, 'adding group to /etc/group');
  assert.equal(op.fields.id, '1004');
});

test('auditd profile: core fields, logsource, original keeps decoded key/values', () => {
  const line = 'type=EXECVE msg=audit(1581371984.206:579393): argc=2 a0="curl" a1=687474703A2F2F6578616D706C652E636F6D2F612062';
  const [e] = auditdProfile.normalize({ kind: 'text', text: line });
  assert.deepEqual(e.logsource, { product: 'linux', service: 'auditd' });
  assert.equal(e.core['process.command_line'], 'curl http://example.com/a b');
  assert.equal(e.core['@timestamp'], '2020-02-10T21:59:44.206Z');
  assert.equal(e.original.type, 'EXECVE');
  assert.equal(e.original.a1, 'http://example.com/a b');
  assert.equal(e.originalText, line);
  const [auth] = auditdProfile.normalize({ kind: 'text', text: "type=USER_LOGIN msg=audit(1.5:2): pid=1 uid=0 msg='op=login acct=\"eve\" exe=\"/usr/sbin/sshd\" addr=198.51.100.4 res=failed'" });
  assert.deepEqual([auth.core['event.outcome'], auth.core['user.name'], auth.core['source.ip'], auth.core['event.action']], ['failure', 'eve', '198.51.100.4', 'logged-in']);
});

test('auditd over syslog (audisp) is detected, host comes from the syslog header', () => {
  const line = '<14>Jan  5 10:00:00 db1 audispd: type=USER_CMD msg=audit(1489519256.192:19600329): pid=4151 uid=497 auid=700 ses=11988 msg=\'cwd="/" cmd=6C73202D6C61 terminal=? res=success\'';
  const record = parseSyslog(line, { now: Date.UTC(2024, 0, 10) });
  const input = { kind: 'syslog' as const, record, text: line };
  assert.equal(detectProfile(input).name, 'auditd');
  const [e] = auditdProfile.normalize(input);
  assert.equal(e.core['host.name'], 'db1');
  assert.equal(e.core['process.command_line'], 'ls -la');
  assert.equal(e.originalText, line);
});

test('malformed lines are VigilErrors with a column', () => {
  for (const bad of ['type=SYSCALL', 'type=SYSCALL msg=audit(abc:1): x=1', 'foo=bar', 'type=X msg=audit(1.2:3 x=1']) {
    assert.throws(() => parseAuditLine(bad, { line: 3 }), (err: unknown) => err instanceof VigilError && err.code === 'AUDITD_BAD_LINE' && err.location.line === 3 && typeof err.location.column === 'number');
  }
});

// ---- Real samples: Filebeat auditd module fixtures (one record per line; Filebeat does not join records). ----

const FILES = ['test.log', 'audit-rhel6.log', 'audit-cent7-node.log', 'useradd.log', 'audit-rhel7_2.log'];

const ACCEPTED: AcceptedDifference[] = [
  { file: 'test.log', field: 'event.outcome', docs: [0], reason: 'Elastic copies res=1 verbatim ("1"); ECS allows only success/failure/unknown, so we map 1 to success' },
  { file: 'audit-rhel6.log', field: 'event.outcome', docs: [5], reason: 'Elastic copies res=1 verbatim ("1"); we map 1 to success' },
  { file: 'audit-cent7-node.log', field: 'event.outcome', docs: [1, 2], reason: 'Elastic copies res=1 verbatim ("1"); we map 1 to success' },
  { file: 'test.log', field: 'event.action', docs: [11], reason: 'Elastic names SYSCALL actions per syscall from go-libaudit tables (execve -> "executed"); we keep the record type, as older Filebeat did' },
];

test('auditd profile on real audit.log samples agrees with Elastic', needsCorpus, (t) => {
  const tally: Tally = { compared: 0, accepted: 0, docs: 0 };
  for (const name of FILES) {
    const file = `auditd/${name}`;
    const lines = logText(file).split('\n').filter((l) => l !== '');
    const cores = lines.map((text) => auditdProfile.normalize({ kind: 'text', text })[0].core);
    compareWithElastic(name, cores, JSON.parse(logText(`${file}-expected.json`)), ACCEPTED, {}, tally);
  }
  t.diagnostic(`auditd: ${tally.docs} documents, ${tally.compared} field values agreed, ${tally.accepted} accepted differences`);
  assert.ok(tally.compared > 100);
});
