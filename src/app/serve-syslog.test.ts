/** `vigil serve` with syslog listeners: the real `logger` client over UDP and TCP, stored, searchable, detected. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { effectiveConfig } from '../cli/commands/serve.js';
import { SyslogListenerSchema } from './config.js';
import type { RunningVigil } from './start.js';
import { startTestServer, type TestServer } from './testing/kit.js';

const run = promisify(execFile);
const TOKEN = 'syslog-serve-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const RULE = `
title: sudo to root shell (test rule)
id: 33333333-3333-4333-8333-333333333333
level: high
logsource: { product: linux, service: sudo }
detection:
  keywords: ['COMMAND=/bin/bash']
  condition: keywords
`;
let haveLogger = true;
let server: TestServer;
let vigil: RunningVigil;

before(async () => {
  try { await run('logger', ['--version']); } catch { haveLogger = false; }
  server = await startTestServer('serve-syslog', {
    adminToken: TOKEN, rules: { 'sudo.yml': RULE },
    syslog: [SyslogListenerSchema.parse({ protocol: 'udp', port: 0 }), SyslogListenerSchema.parse({ protocol: 'tcp', port: 0 })],
  });
  vigil = server.vigil;
});

after(() => server.close());

async function search(query: string, want: number): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = await fetch(`${vigil.url}/api/v1/search`, { method: 'POST', headers: auth, body: JSON.stringify({ query, from: '-1h' }) });
    const events = ((await r.json()) as { events?: Record<string, unknown>[] }).events ?? [];
    if (events.length >= want || Date.now() > deadline) return events;
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

test('logger over UDP and TCP (octet counting) reaches the store as linux auth, and the sudo rule fires', async (t) => {
  if (!haveLogger) { t.skip('logger (bsdutils) not installed'); return; }
  const udp = vigil.syslog.find((s) => s.protocol === 'udp')!.port;
  const tcp = vigil.syslog.find((s) => s.protocol === 'tcp')!.port;
  const line = 'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash';
  await run('logger', ['--rfc5424', '-n', '127.0.0.1', '-P', String(udp), '-d', '-t', 'sudo', '-p', 'authpriv.notice', line]);
  await run('logger', ['--rfc5424', '-n', '127.0.0.1', '-P', String(tcp), '-T', '--octet-count', '-t', 'sudo', '-p', 'authpriv.notice', line]);
  const events = await search('user.name:alice and message:*COMMAND*', 2);
  assert.equal(events.length, 2);
  for (const e of events) {
    assert.equal(e['profile'], 'linux_auth');
    assert.match(String((e['core'] as Record<string, unknown>)['log.source.address']), /^127\.0\.0\.1:\d+$/, 'the sender is kept');
  }
  assert.equal((await search('log.source.address:127.0.0.1*', 2)).length, 2, 'and searchable');
  const alerts = await (await fetch(`${vigil.url}/api/v1/alerts`, { headers: auth })).json() as { alerts: { ruleId: string; count: number }[] };
  const deadline = Date.now() + 10_000;
  let hit = alerts.alerts.find((a) => a.ruleId === '33333333-3333-4333-8333-333333333333');
  while ((!hit || hit.count < 2) && Date.now() < deadline) {
    await new Promise((ok) => setTimeout(ok, 100));
    const again = await (await fetch(`${vigil.url}/api/v1/alerts`, { headers: auth })).json() as { alerts: { ruleId: string; count: number }[] };
    hit = again.alerts.find((a) => a.ruleId === '33333333-3333-4333-8333-333333333333');
  }
  assert.equal(hit?.count, 2);
  const metrics = await (await fetch(`${vigil.url}/metrics`, { headers: auth })).text();
  assert.match(metrics, /vigil_events_stored_total\{source="syslog-udp"\} 1/);
  assert.match(metrics, /vigil_events_stored_total\{source="syslog-tcp"\} 1/);
  assert.match(metrics, /vigil_syslog_connections\{source="syslog-tcp"\} \d/);
});

test('--syslog-port opens UDP and TCP on one port; flags override the config file', () => {
  const file = join(server.dir, 'vigil.yml');
  writeFileSync(file, 'http: { port: 9000 }\nsyslog:\n  - { protocol: udp, port: 5514 }\n');
  const c = effectiveConfig({ config: file, httpPort: 9100, syslogPort: 1514 });
  assert.equal(c.http.port, 9100);
  assert.deepEqual(c.syslog.map((l) => `${l.protocol}:${l.port}`), ['udp:1514', 'tcp:1514']);
  assert.deepEqual(effectiveConfig({}).syslog, []);
});
