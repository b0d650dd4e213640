import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../../core/errors.js';
import { parseSyslog } from '../syslog/parse.js';
import { compareWithElastic, logText, needsCorpus, type AcceptedDifference, type Tally } from './corpus.testkit.js';
import { genericProfile } from './generic.js';
import { detectProfile, getProfile, normalize, profileNames } from './registry.js';

test('generic JSON: ECS names nested or flat, common aliases, epoch and ISO times', () => {
  const ecs = { '@timestamp': '2024-05-01T00:00:00+02:00', host: { name: 'h1' }, 'user.name': 'u1', source: { ip: '192.0.2.1', port: 1234 }, event: { category: 'network', outcome: 'failure' } };
  assert.deepEqual(genericProfile.normalize({ kind: 'json', value: ecs })[0].core, {
    '@timestamp': '2024-04-30T22:00:00.000Z', 'host.name': 'h1', 'user.name': 'u1', 'source.ip': '192.0.2.1', 'source.port': 1234,
    'event.category': ['network'], 'event.outcome': 'failure', 'related.ip': ['192.0.2.1'],
  });
  const app = { ts: 1700000000.5, src_ip: '10.0.0.1', dest_port: '443', msg: 'hello', host: { id: 'not-a-name' }, user: 'bob', pid: '42' };
  assert.deepEqual(genericProfile.normalize({ kind: 'json', value: app })[0].core, {
    '@timestamp': '2023-11-14T22:13:20.500Z', 'user.name': 'bob', 'source.ip': '10.0.0.1', 'destination.port': 443, 'process.pid': 42,
    message: 'hello', 'related.ip': ['10.0.0.1'],
  });
  // Values that are not what the field means are dropped rather than guessed.
  assert.deepEqual(genericProfile.normalize({ kind: 'json', value: { src_ip: 'not-an-ip', src_port: 70000, time: 'yesterday' } })[0].core, {});
});

test('generic syslog records and text lines', () => {
  const record = parseSyslog('<134>1 2020-03-29T13:20:47Z gw CheckPoint 1930 - - hello', { now: 0 });
  const [s] = genericProfile.normalize({ kind: 'syslog', record });
  assert.deepEqual(s.logsource, { product: 'generic', service: 'syslog' });
  assert.deepEqual([s.core['host.name'], s.core['process.name'], s.core['process.pid'], s.core.message], ['gw', 'CheckPoint', 1930, 'hello']);
  const [t] = genericProfile.normalize({ kind: 'text', text: 'free text' });
  assert.deepEqual([t.core, t.originalText, t.original], [{ message: 'free text' }, 'free text', { message: 'free text' }]);
});

test('registry: names, unknown names list the known ones, detection falls back to generic', () => {
  assert.deepEqual(profileNames(), ['auditd', 'cloudtrail', 'generic', 'linux_auth', 'okta', 'suricata', 'sysmon', 'windows_evtx', 'winlogbeat']);
  assert.equal(getProfile('okta').name, 'okta');
  assert.throws(() => getProfile('oktaa'), (err: unknown) => {
    assert.ok(err instanceof VigilError);
    assert.equal(err.code, 'PROFILE_UNKNOWN');
    assert.match(err.message, /unknown source profile "oktaa"; known profiles: auditd, cloudtrail, generic, linux_auth, okta, suricata, sysmon, windows_evtx, winlogbeat/);
    return true;
  });
  assert.equal(detectProfile({ kind: 'json', value: { foo: 1 } }).name, 'generic');
  assert.equal(detectProfile({ kind: 'text', text: 'type=SYSCALL msg=audit(1.2:3): pid=1' }).name, 'auditd');
  assert.equal(detectProfile({ kind: 'text', text: 'hello' }).name, 'generic');
  assert.equal(normalize({ kind: 'json', value: { message: 'x' } }, 'generic')[0].profile, 'generic');
  assert.throws(() => normalize({ kind: 'text', text: 'x' }, 'okta'), (err: unknown) => err instanceof VigilError && err.code === 'PROFILE_BAD_INPUT');
});

// Zeek JSON has no profile of its own; generic maps its id.orig_h/id.resp_h names. Fields Zeek names
// its own way (query, uri, method) are not guessed.
const ACCEPTED: AcceptedDifference[] = [
  ...['connection-json.log', 'dns-json.log', 'http-json.log'].map((file) => ({ file, field: 'event.dataset' as const, reason: 'Elastic names the dataset after the Zeek log type (zeek.connection); generic does not know the type' })),
  { file: 'connection-json.log', field: 'event.category', reason: 'Elastic derives network from the Zeek log type; generic has no log type to go by' },
  { file: 'dns-json.log', field: 'dns.question.name', reason: 'Zeek calls it `query`, too ambiguous for the generic mapping (a dedicated Zeek profile would map it)' },
  { file: 'http-json.log', field: 'event.category', reason: 'Elastic derives network/web from the Zeek log type' },
  { file: 'http-json.log', field: 'event.action', reason: 'Elastic lower-cases the HTTP method into event.action; generic does not' },
  { file: 'http-json.log', field: 'event.outcome', reason: 'Elastic derives success from the HTTP status; generic does not' },
  { file: 'http-json.log', field: 'url.original', reason: 'Zeek calls it `uri`; not guessed by the generic mapping' },
];

test('generic profile on real Zeek JSON: addresses, ports and timestamps agree with Elastic', needsCorpus, (t) => {
  const tally: Tally = { compared: 0, accepted: 0, docs: 0 };
  for (const file of ['connection-json.log', 'dns-json.log', 'http-json.log']) {
    const cores = logText(`zeek/${file}`).split('\n').filter((l) => l !== '').map((l) => genericProfile.normalize({ kind: 'json', value: JSON.parse(l) })[0].core);
    compareWithElastic(file, cores, JSON.parse(logText(`zeek/${file}-expected.json`)), ACCEPTED, {}, tally);
  }
  t.diagnostic(`generic (zeek): ${tally.docs} documents, ${tally.compared} field values agreed, ${tally.accepted} accepted differences`);
  assert.ok(tally.compared >= 40);
});
