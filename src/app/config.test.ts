import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { durationMs, loadConfig, parseConfig, slaOptions } from './config.js';

test('defaults: loopback HTTP on 8470, no syslog listeners, ./data', () => {
  const c = parseConfig({});
  assert.equal(c.http.host, '127.0.0.1');
  assert.equal(c.http.port, 8470);
  assert.deepEqual(c.syslog, []);
  assert.equal(c.data, './data');
  assert.equal(durationMs(c.detection.groupWindow), 600_000);
});

test('a config file: paths resolve against its folder; a typo is an error with line and field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
  try {
    const good = join(dir, 'vigil.yml');
    writeFileSync(good, 'data: store\nsyslog:\n  - { protocol: udp, port: 5514 }\n  - protocol: tls\n    port: 6514\n    tls: { cert: c.pem, key: k.pem }\nretention: { maxAgeDays: 30 }\n');
    const c = loadConfig(good);
    assert.equal(c.data, join(dir, 'store'));
    assert.equal(c.syslog[1]?.tls?.cert, join(dir, 'c.pem'));
    assert.equal(c.syslog[0]?.maxMessageBytes, 65536);
    assert.equal(c.retention.maxAgeDays, 30);

    const typo = join(dir, 'typo.yml');
    writeFileSync(typo, 'http:\n  port: 8470\nsyslog:\n  - protocol: udp\n    prot: 5514\n');
    assert.throws(() => loadConfig(typo), (err: Error) => /typo\.yml:4: syslog\.0/.test(err.message));
    const tlsless = join(dir, 'tlsless.yml');
    writeFileSync(tlsless, 'syslog:\n  - { protocol: tls, port: 6514 }\n');
    assert.throws(() => loadConfig(tlsless), /needs tls\.cert/);
    const broken = join(dir, 'broken.yml');
    writeFileSync(broken, 'http: [\n');
    assert.throws(() => loadConfig(broken), /broken\.yml/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sla: defaults per severity, overrides per target, bad durations named by field', () => {
  const d = slaOptions(parseConfig({}).sla);
  assert.deepEqual(d.critical, { acknowledgeMs: 15 * 60_000, resolveMs: 4 * 3_600_000 });
  assert.deepEqual(d.low, { acknowledgeMs: 24 * 3_600_000, resolveMs: 7 * 86_400_000 });
  const c = slaOptions(parseConfig({ sla: { high: { acknowledge: '30m' } } }).sla);
  assert.deepEqual(c.high, { acknowledgeMs: 30 * 60_000, resolveMs: 24 * 3_600_000 });
  assert.throws(() => parseConfig({ sla: { high: { acknowledge: 'soon' } } }), /sla\.high\.acknowledge: a duration/);
  assert.throws(() => parseConfig({ sla: { urgent: {} } }), /sla/);
});
