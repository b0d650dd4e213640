/**
 * A real shipper: logger -> rsyslog (imudp) -> omelasticsearch (bulk mode) -> Vigil's `_bulk` ->
 * stored, normalized as linux auth, detected. Needs rsyslogd with the omelasticsearch module
 * (Debian: rsyslog, rsyslog-elasticsearch; .ci/run installs them).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunningVigil } from './start.js';
import { startTestServer, type TestServer } from './testing/kit.js';

const TOKEN = 'rsyslog-test-token-0123456789';
const MODULE_DIRS = ['/usr/lib/x86_64-linux-gnu/rsyslog', '/usr/lib/aarch64-linux-gnu/rsyslog', '/usr/lib/rsyslog'];
const moduleDir = MODULE_DIRS.find((d) => existsSync(join(d, 'omelasticsearch.so')));
const rsyslogd = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => existsSync(p));
const skip = !moduleDir || !rsyslogd ? 'rsyslogd with omelasticsearch not installed (apt-get install rsyslog rsyslog-elasticsearch)' : false;

const RULE = `
title: SSH failed password (test rule)
id: 22222222-2222-4222-8222-222222222222
level: low
tags: [attack.credential-access, attack.t1110]
logsource: { product: linux, service: sshd }
detection:
  keywords: ['Failed password']
  condition: keywords
`;

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((ok) => s.bind(0, '127.0.0.1', ok));
  const { port } = s.address();
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

let server: TestServer;
let dir: string;
let vigil: RunningVigil;
let daemon: ChildProcess | undefined;
let udpPort: number;
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

before(async () => {
  if (skip) return;
  server = await startTestServer('rsyslog', { adminToken: TOKEN, rules: { 'ssh.yml': RULE } });
  ({ vigil, dir } = server);
  mkdirSync(join(dir, 'work'));
  udpPort = await freeUdpPort();
  writeFileSync(join(dir, 'rsyslog.conf'), `
global(workDirectory="${join(dir, 'work')}")
module(load="${join(moduleDir!, 'imudp.so')}")
module(load="${join(moduleDir!, 'omelasticsearch.so')}")
input(type="imudp" address="127.0.0.1" port="${udpPort}" ruleset="ship")
template(name="vigil-json" type="list" option.jsonf="on") {
  property(outname="@timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="programname" name="programname" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="severity" name="syslogseverity-text" format="jsonf")
  property(outname="facility" name="syslogfacility-text" format="jsonf")
  property(outname="message" name="msg" format="jsonf")
}
ruleset(name="ship") {
  action(type="omelasticsearch" server="127.0.0.1" serverport="${vigil.port}" searchIndex="syslog-rsyslog"
         template="vigil-json" bulkmode="on" uid="rsyslog" pwd="${TOKEN}" errorfile="${join(dir, 'es-errors.json')}"
         action.resumeRetryCount="-1")
}
`);
  daemon = spawn(rsyslogd!, ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((ok) => setTimeout(ok, 1000));
});

after(async () => {
  if (skip) return;
  daemon?.kill('SIGTERM');
  await server.close();
});

async function searchUntil(query: string, want: number, timeoutMs = 30_000): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await fetch(`${vigil.url}/api/v1/search`, { method: 'POST', headers: auth, body: JSON.stringify({ query, from: '-1h' }) });
    const body = await r.json() as { events?: Record<string, unknown>[] };
    if ((body.events?.length ?? 0) >= want || Date.now() > deadline) return body.events ?? [];
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

test('logger -> rsyslog omelasticsearch -> Vigil _bulk: stored as linux auth and detected', { skip }, async () => {
  const run = promisify(execFile);
  for (let i = 0; i < 3; i++) {
    await run('logger', ['--rfc5424', '-n', '127.0.0.1', '-P', String(udpPort), '-d', '-t', 'sshd', '-p', 'auth.info',
      `Failed password for root from 198.51.100.${i + 1} port ${40000 + i} ssh2`]);
  }
  const events = await searchUntil('event.dataset:system.auth and message:*Failed*', 3);
  assert.equal(events.length, 3, `rsyslog delivered ${events.length} of 3 (errors: ${existsSync(join(dir, 'es-errors.json')) ? 'see es-errors.json' : 'none'})`);
  const ips = events.map((e) => (e['core'] as Record<string, unknown>)['source.ip']).sort();
  assert.deepEqual(ips, ['198.51.100.1', '198.51.100.2', '198.51.100.3']);
  for (const e of events) {
    assert.equal(e['profile'], 'linux_auth');
    assert.equal((e['original'] as Record<string, unknown>)['programname'], 'sshd');
  }
  const alerts = await (await fetch(`${vigil.url}/api/v1/alerts`, { headers: auth })).json() as { alerts: { ruleId: string; count: number }[] };
  const hit = alerts.alerts.find((a) => a.ruleId === '22222222-2222-4222-8222-222222222222');
  assert.ok(hit, 'the sshd rule raised an alert');
  assert.equal(hit.count, 3);
});
