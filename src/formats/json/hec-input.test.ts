import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize } from '../profiles/registry.js';
import { parseHecEvents, parseHecRaw } from './hec.js';
import { hecToInput, profileForSourcetype } from './hec-input.js';

const EVE = { timestamp: '2024-03-01T10:00:00.000000+0000', event_type: 'alert', src_ip: '10.0.0.5', src_port: 4444, dest_ip: '10.0.0.9', dest_port: 80, proto: 'TCP', alert: { signature_id: 2000001, signature: 'ET TEST', action: 'allowed' } };

test('an object event reaches the profile unchanged; the envelope is kept byte for byte as originalText', () => {
  const envelope = `{"time": 1709287200.5, "host":"sensor1", "sourcetype":"suricata", "index":"ids", "fields":{"site":"par"}, "event": ${JSON.stringify(EVE)}}`;
  const { events } = parseHecEvents(envelope, { keepText: true });
  const { input, profile } = hecToInput(events[0]!);
  assert.equal(profile, 'suricata');
  assert.equal(input.kind, 'json');
  assert.deepEqual(input.kind === 'json' && input.value, EVE);
  const [n] = normalize(input, profile);
  assert.equal(n!.profile, 'suricata');
  assert.deepEqual(n!.original, EVE);
  assert.equal(n!.originalText, envelope);
  assert.equal(n!.core['source.ip'], '10.0.0.5');
  // The event's own timestamp wins over HEC time; HEC host fills the missing host.
  assert.equal(n!.core['@timestamp'], '2024-03-01T10:00:00.000Z');
  assert.equal(n!.core['host.name'], 'sensor1');
});

test('HEC time and host fill only what the content lacks', () => {
  const { events } = parseHecEvents('{"time":1709287200.25,"host":"h1","event":{"msg":"x","host":"own"}}', { keepText: true });
  const [n] = normalize(hecToInput(events[0]!).input);
  assert.equal(n!.core['@timestamp'], '2024-03-01T10:00:00.250Z');
  assert.equal(n!.core['host.name'], 'own');
});

test('strings: syslog when it has a header or the sourcetype says so, JSON when it is an object, else text', () => {
  const line = 'Mar  1 12:00:01 web01 sshd[123]: Accepted password for bob from 10.0.0.1 port 22 ssh2';
  const cases: Array<[string, string | undefined, string, string | undefined]> = [
    [line, undefined, 'syslog', undefined],
    ['plain words', undefined, 'text', undefined],
    ['plain words', 'syslog', 'syslog', undefined],
    [JSON.stringify(EVE), 'suricata', 'json', 'suricata'],
    // The sourcetype is a hint: a fast.log text line sent as suricata is not forced through the EVE profile.
    ['03/01/2024-10:00:00.000000  [**] [1:2000001:1] ET TEST [**]', 'suricata', 'text', undefined],
    ['type=USER_LOGIN msg=audit(1709287200.000:1): pid=1 uid=0 res=success', 'linux_audit', 'text', 'auditd'],
  ];
  for (const [event, sourcetype, kind, profile] of cases) {
    const r = hecToInput({ event, number: 0, ...(sourcetype ? { sourcetype } : {}) });
    assert.equal(r.input.kind, kind, event);
    assert.equal(r.profile, profile, event);
    normalize(r.input, r.profile);
  }
  const auth = hecToInput({ event: line, number: 0, sourcetype: 'linux_secure' });
  assert.equal(auth.profile, 'linux_auth');
  assert.equal(normalize(auth.input, auth.profile)[0]!.core['user.name'], 'bob');
  assert.equal(hecToInput({ event: [1, 2], number: 0 }).input.kind, 'text');
});

test('a token profile wins over the sourcetype and is not second-guessed', () => {
  const r = hecToInput({ event: 'not eve', number: 0, sourcetype: 'syslog' }, { forcedProfile: 'suricata' });
  assert.equal(r.profile, 'suricata');
  assert.throws(() => normalize(r.input, r.profile), /suricata/);
  const auth = hecToInput({ event: 'sshd[1]: Failed password for root from 192.0.2.1 port 22 ssh2', number: 0 }, { forcedProfile: 'linux_auth' });
  assert.equal(auth.input.kind, 'syslog');
});

test('raw lines keep the line as originalText and take metadata from the request', () => {
  const { events } = parseHecRaw('first line\nsecond line\n', { defaults: { host: 'rawhost', sourcetype: 'app' } });
  const [n] = normalize(hecToInput(events[1]!, { text: 'second line' }).input);
  assert.equal(n!.originalText, 'second line');
  assert.equal(n!.core['host.name'], 'rawhost');
  assert.equal(n!.core.message, 'second line');
});

test('a CloudTrail Records envelope expands without copying the envelope into each record', () => {
  const rec = (n: number): Record<string, unknown> => ({ eventVersion: '1.08', eventSource: 'iam.amazonaws.com', eventName: `E${n}`, eventTime: '2024-03-01T10:00:00Z', awsRegion: 'us-east-1' });
  const { events } = parseHecEvents(JSON.stringify({ sourcetype: 'aws:cloudtrail', event: { Records: [rec(1), rec(2)] } }), { keepText: true });
  const r = hecToInput(events[0]!);
  assert.equal(r.profile, 'cloudtrail');
  const out = normalize(r.input, r.profile);
  assert.equal(out.length, 2);
  assert.ok(out.every((e) => e.originalText === undefined));
  assert.equal(profileForSourcetype('AWS:CloudTrail'), 'cloudtrail');
});
