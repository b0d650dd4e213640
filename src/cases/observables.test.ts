import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../core/errors.js';
import { extractObservables, parseHashList } from './extract.js';
import { normalizeObservable } from './observables.js';

const SHA256 = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855';

test('observables are validated and normalized per type; hashes are told apart by length', () => {
  assert.deepEqual(normalizeObservable('ip', ' 10.0.0.1 '), { type: 'ip', value: '10.0.0.1', key: '10.0.0.1', subtype: null });
  assert.equal(normalizeObservable('ip', '2001:DB8:0::1').value, '2001:db8::1');
  assert.equal(normalizeObservable('ip', '::ffff:192.0.2.1').value, '192.0.2.1');
  assert.equal(normalizeObservable('domain', 'Evil.Example.').value, 'evil.example');
  assert.equal(normalizeObservable('domain', 'bücher.example').value, 'xn--bcher-kva.example');
  assert.equal(normalizeObservable('url', 'HTTP://Evil.Example/a b').value, 'http://evil.example/a%20b');
  assert.deepEqual([32, 40, 64].map((n) => normalizeObservable('hash', 'A'.repeat(n)).subtype), ['md5', 'sha1', 'sha256']);
  assert.equal(normalizeObservable('hash', SHA256).value, SHA256.toLowerCase());
  assert.deepEqual(normalizeObservable('email', 'Bob@Corp.Example'), { type: 'email', value: 'Bob@corp.example', key: 'bob@corp.example', subtype: null });
  assert.equal(normalizeObservable('user', 'CORP\\Alice').key, 'corp\\alice');
  assert.equal(normalizeObservable('host', 'WS01.corp.example').key, 'ws01.corp.example');

  const bad: [Parameters<typeof normalizeObservable>[0], unknown][] = [
    ['ip', '10.1'], ['ip', '999.0.0.1'], ['ip', 'fe80::1::2'], ['domain', 'localhost'], ['domain', '-a.example'],
    ['url', '/relative'], ['url', 'javascript:alert(1)'], ['hash', 'a'.repeat(63)], ['hash', 'g'.repeat(32)],
    ['email', '@corp.example'], ['email', 'a@b'], ['host', 'a b'], ['user', ''], ['user', 'x'.repeat(300)], ['ip', 42], ['user', 'a\u0000b'],
  ];
  for (const [type, value] of bad) {
    assert.throws(() => normalizeObservable(type, value, 'observables[0].value'), (e: unknown) => e instanceof VigilError && e.location.field === 'observables[0].value', `${type} ${String(value)}`);
  }
});

test('Sysmon Hashes lists give MD5/SHA-1/SHA-256, not IMPHASH', () => {
  assert.deepEqual(parseHashList(`SHA1=${'1'.repeat(40)},MD5=${'2'.repeat(32)},SHA256=${SHA256},IMPHASH=${'3'.repeat(32)}`),
    ['1'.repeat(40), '2'.repeat(32), SHA256]);
});

test('extraction reads the alert (host, user, matched fields) and its event (core, hashes in the original), skipping junk', () => {
  const out = extractObservables(
    {
      hostName: 'ws01.corp.example', userName: 'alice',
      fields: [
        { field: 'DestinationIp', value: '203.0.113.9' }, { field: 'QueryName', value: 'c2.evil.example' },
        { field: 'CommandLine', value: 'http://evil.example/x' }, { field: 'SourceIp', value: 'not-an-ip' },
        { field: 'TargetUserName', value: 'svc-backup' },
      ],
    },
    {
      core: { 'host.name': 'WS01.corp.example', 'source.ip': '10.0.0.5', 'url.original': 'https://evil.example/y', 'dns.question.name': 'c2.evil.example' },
      original: { Event: { EventData: { Hashes: `MD5=${'a'.repeat(32)},SHA256=${SHA256}` } }, process: { hash: { sha1: 'b'.repeat(40) } } },
    },
  );
  assert.deepEqual(out.map((o) => `${o.type}:${o.value}`), [
    'host:ws01.corp.example', 'user:alice', 'ip:203.0.113.9', 'domain:c2.evil.example', 'url:http://evil.example/x',
    'user:svc-backup', 'ip:10.0.0.5', 'url:https://evil.example/y', `hash:${'a'.repeat(32)}`, `hash:${SHA256.toLowerCase()}`, `hash:${'b'.repeat(40)}`,
  ]);
});

test('extraction from a hostile original is bounded', () => {
  let deep: Record<string, unknown> = { Hashes: `MD5=${'c'.repeat(32)}` };
  for (let i = 0; i < 10_000; i++) deep = { x: deep };
  const wide = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, { sha256: i.toString(16).padStart(64, '0') }]));
  const out = extractObservables({ hostName: null, userName: null, fields: [] }, { core: {}, original: { deep, wide } });
  assert.ok(out.length <= 64);
  assert.ok(!out.some((o) => o.value === 'c'.repeat(32)), 'too deep to be read');
});
