import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithElastic, logText, needsCorpus, type AcceptedDifference, type Tally } from './corpus.testkit.js';
import { detectProfile } from './registry.js';
import { suricataProfile } from './suricata.js';

const alert = {
  timestamp: '2024-02-01T12:00:00.500000+0100', flow_id: 1, event_type: 'alert', src_ip: '198.51.100.1', src_port: 80,
  dest_ip: '10.0.0.9', dest_port: 51000, proto: 'TCP', host: 'sensor-1',
  alert: { action: 'allowed', signature_id: 2100498, signature: 'GPL ATTACK_RESPONSE id check returned root', category: 'Potentially Bad Traffic', severity: 2 },
  http: { hostname: 'example.org', url: '/uid/index.html', status: 200 },
};

test('EVE alert: addresses, rule id, http fields, alert category as message', () => {
  const input = { kind: 'json' as const, value: alert };
  assert.equal(detectProfile(input).name, 'suricata');
  const [e] = suricataProfile.normalize(input);
  assert.deepEqual(e.logsource, { product: 'suricata', service: 'alert' });
  assert.deepEqual(e.core, {
    '@timestamp': '2024-02-01T11:00:00.500Z', 'event.dataset': 'suricata.eve', 'event.provider': 'suricata', 'event.code': '2100498',
    'event.category': ['intrusion_detection', 'network'], 'event.action': 'allowed', 'host.name': 'sensor-1',
    'source.ip': '198.51.100.1', 'source.port': 80, 'destination.ip': '10.0.0.9', 'destination.port': 51000,
    'url.original': '/uid/index.html', 'http.response.status_code': 200, message: 'Potentially Bad Traffic',
    'related.ip': ['198.51.100.1', '10.0.0.9'],
  });
  assert.equal(e.original, alert);
});

test('EVE dns v1/v2 and v3 (queries array) give dns.question.name and category dns', () => {
  const base = { timestamp: '2024-02-01T12:00:00.000000+0000', flow_id: 2, event_type: 'dns', src_ip: '10.0.0.2', dest_ip: '10.0.0.3' };
  const v2 = suricataProfile.normalize({ kind: 'json', value: { ...base, dns: { type: 'query', rrname: 'example.com' } } })[0];
  assert.deepEqual([v2.logsource.category, v2.core['dns.question.name']], ['dns', 'example.com']);
  const v3 = suricataProfile.normalize({ kind: 'json', value: { ...base, dns: { version: 3, queries: [{ rrname: 'v3.example' }] } } })[0];
  assert.equal(v3.core['dns.question.name'], 'v3.example');
});

const ACCEPTED: AcceptedDifference[] = [];

test('suricata profile on real EVE samples agrees with Elastic', needsCorpus, (t) => {
  const tally: Tally = { compared: 0, accepted: 0, docs: 0 };
  for (const file of ['eve-6.0.log', 'eve-metadata.log']) {
    const cores = logText(`suricata-eve/${file}`).split('\n').filter((l) => l !== '')
      .map((line) => suricataProfile.normalize({ kind: 'json', value: JSON.parse(line) })[0].core);
    compareWithElastic(file, cores, JSON.parse(logText(`suricata-eve/${file}-expected.json`)), ACCEPTED, {}, tally);
  }
  // No expected file upstream for the DNS sample: check it normalizes and names every query.
  let dns = 0;
  for (const line of logText('suricata-eve/eve-dns-4.1.4.log').split('\n').filter((l) => l !== '')) {
    const value = JSON.parse(line);
    assert.equal(detectProfile({ kind: 'json', value }).name, 'suricata');
    const [e] = suricataProfile.normalize({ kind: 'json', value });
    assert.equal(e.core['dns.question.name'], value.dns.rrname);
    dns++;
  }
  t.diagnostic(`suricata: ${tally.docs} documents, ${tally.compared} field values agreed, ${tally.accepted} accepted differences; ${dns} DNS records checked without expected output`);
  assert.ok(tally.compared >= 15);
});
