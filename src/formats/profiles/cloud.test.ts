import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../../core/errors.js';
import { cloudtrailProfile } from './cloudtrail.js';
import { compareWithElastic, logText, needsCorpus, type AcceptedDifference, type Tally } from './corpus.testkit.js';
import { oktaProfile } from './okta.js';
import { detectProfile } from './registry.js';

const login = {
  eventVersion: '1.08', eventTime: '2024-01-02T03:04:05Z', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin',
  awsRegion: 'us-east-1', sourceIPAddress: '203.0.113.5', userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::111122223333:user/alice' },
  responseElements: { ConsoleLogin: 'Failure' }, errorMessage: 'Failed authentication',
};
const assumed = {
  eventVersion: '1.08', eventTime: '2024-01-02T03:05:00Z', eventSource: 's3.amazonaws.com', eventName: 'GetObject', sourceIPAddress: 'AWS Internal',
  userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/Admin/bob', sessionContext: { sessionIssuer: { userName: 'Admin' } } },
};

test('CloudTrail: one record, and a Records file expanding to one event per record', () => {
  const [one] = cloudtrailProfile.normalize({ kind: 'json', value: login });
  assert.deepEqual(one.logsource, { product: 'aws', service: 'cloudtrail' });
  assert.deepEqual(one.core, {
    '@timestamp': '2024-01-02T03:04:05.000Z', 'event.dataset': 'aws.cloudtrail', 'event.provider': 'signin.amazonaws.com',
    'event.action': 'ConsoleLogin', 'event.category': ['authentication'], 'event.outcome': 'failure', 'user.name': 'alice',
    'source.ip': '203.0.113.5', 'related.ip': ['203.0.113.5'],
  });
  const file = { Records: [login, assumed] };
  const input = { kind: 'json' as const, value: file };
  assert.equal(detectProfile(input).name, 'cloudtrail');
  const events = cloudtrailProfile.normalize(input);
  assert.equal(events.length, 2);
  assert.equal(events[1].original, assumed, 'each record is its own original');
  assert.deepEqual([events[1].core['user.name'], events[1].core['source.ip'], events[1].core['event.outcome']], ['Admin', undefined, 'success']);
  assert.throws(() => cloudtrailProfile.normalize({ kind: 'json', value: { Records: [login, 5] } }), (e: unknown) => e instanceof VigilError && e.location.field === 'Records.1');
});

test('Okta: actor, client IP, ipChain into related.ip, ALLOW/DENY outcomes', () => {
  const value = {
    uuid: 'u1', published: '2024-01-02T03:04:05.678Z', eventType: 'user.session.start', displayMessage: 'User login to Okta',
    actor: { alternateId: 'alice@example.com', displayName: 'Alice' }, outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
    client: { ipAddress: '198.51.100.20' }, request: { ipChain: [{ ip: '198.51.100.20' }, { ip: '10.1.1.1' }] },
  };
  const input = { kind: 'json' as const, value };
  assert.equal(detectProfile(input).name, 'okta');
  const [e] = oktaProfile.normalize(input);
  assert.deepEqual(e.logsource, { product: 'okta', service: 'okta' });
  assert.deepEqual([e.core['user.name'], e.core['event.outcome'], e.core['event.category'], e.core['related.ip']], ['alice@example.com', 'failure', ['authentication', 'session'], ['198.51.100.20', '10.1.1.1']]);
});

// Elastic's older console-login vintage writes event.category as a string; compared as a set it agrees.
const CLOUDTRAIL_ACCEPTED: AcceptedDifference[] = [];

test('cloudtrail profile on real CloudTrail records agrees with Elastic', needsCorpus, (t) => {
  const tally: Tally = { compared: 0, accepted: 0, docs: 0 };
  const all: unknown[] = [];
  for (const file of ['console-login-json.log', 'assume-role-json.log', 'create-group-json.log', 'insight-json.log']) {
    const records = logText(`aws-cloudtrail/${file}`).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
    all.push(...records);
    const cores = records.map((value) => cloudtrailProfile.normalize({ kind: 'json', value })[0].core);
    compareWithElastic(file, cores, JSON.parse(logText(`aws-cloudtrail/${file}-expected.json`)), CLOUDTRAIL_ACCEPTED, {}, tally);
  }
  // The same records as one S3 object: the envelope expands to every record.
  assert.equal(cloudtrailProfile.normalize({ kind: 'json', value: { Records: all } }).length, all.length);
  t.diagnostic(`cloudtrail: ${tally.docs} documents, ${tally.compared} field values agreed, ${tally.accepted} accepted differences`);
  assert.ok(tally.compared >= 30);
});

const OKTA_ACCEPTED: AcceptedDifference[] = [];

test('okta profile on real System Log events agrees with Elastic', needsCorpus, (t) => {
  const tally: Tally = { compared: 0, accepted: 0, docs: 0 };
  const file = 'okta-system-test.json.log';
  const cores = logText(`okta-system/${file}`).split('\n').filter((l) => l !== '').map((l) => oktaProfile.normalize({ kind: 'json', value: JSON.parse(l) })[0].core);
  compareWithElastic(file, cores, JSON.parse(logText(`okta-system/${file}-expected.json`)), OKTA_ACCEPTED, {}, tally);
  t.diagnostic(`okta: ${tally.docs} documents, ${tally.compared} field values agreed, ${tally.accepted} accepted differences`);
  assert.ok(tally.compared >= 20);
});
