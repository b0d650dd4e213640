import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { VigilError } from '../../core/errors.js';
import { noOpenssl, OPENSSL, RecordingSink, run, waitUntil } from './sink.testkit.js';
import { TcpSyslogListener } from './tcp.js';

let dir = '';
const file = (name: string) => join(dir, name);

/** A self-signed certificate for 127.0.0.1, made by the real openssl; used as server cert, CA and client cert. */
before(async () => {
  if (noOpenssl) return;
  dir = mkdtempSync(join(tmpdir(), 'vigil-syslog-tls-'));
  await run(OPENSSL, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=vigil-test', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', file('key.pem'), '-out', file('cert.pem')]);
  await run(OPENSSL, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=stranger', '-keyout', file('other-key.pem'), '-out', file('other-cert.pem')]);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function tlsConnect(port: number, client: { cert?: string; key?: string } = {}): Promise<TLSSocket> {
  return new Promise((ok, fail) => {
    const s = connect({
      host: '127.0.0.1', port, ca: readFileSync(file('cert.pem')),
      cert: client.cert && readFileSync(client.cert), key: client.key && readFileSync(client.key),
    }, () => ok(s));
    s.once('error', fail);
  });
}

const octet = (msg: string): string => `${Buffer.byteLength(msg)} ${msg}`;

test('syslog over TLS (RFC 5425 octet counting) with a self-signed certificate', { skip: noOpenssl }, async () => {
  const sink = new RecordingSink();
  const listener = new TcpSyslogListener(sink, { port: 0, tls: { cert: file('cert.pem'), key: file('key.pem') } });
  const { port } = await listener.start();
  try {
    const s = await tlsConnect(port);
    assert.equal(s.authorized, true, 'the client verified the server certificate');
    const msgs = ['<86>1 2024-01-10T10:00:00Z web1 sshd 42 - [meta@1 a="b"] Accepted password for alice from 192.0.2.7 port 50022 ssh2', '<13>1 - h app - - - second\nwith a newline inside'];
    await new Promise<void>((ok) => s.end(msgs.map(octet).join(''), ok));
    await waitUntil(() => sink.received.length === 2, 'two events');
    assert.deepEqual(sink.messages(), ['Accepted password for alice from 192.0.2.7 port 50022 ssh2', 'second\nwith a newline inside']);
    assert.equal(sink.records()[0]!.hostname, 'web1');
    assert.deepEqual(sink.records()[0]!.structuredData, [{ id: 'meta@1', params: [['a', 'b']] }]);
    assert.equal(sink.received[0]!.info.source, 'syslog-tls');
    assert.equal(listener.stats().source, 'syslog-tls');
  } finally {
    await listener.close();
  }
});

test('requestCert: a client with the trusted certificate is read, others are refused and counted', { skip: noOpenssl }, async () => {
  const sink = new RecordingSink();
  const logs: string[] = [];
  const listener = new TcpSyslogListener(sink, {
    port: 0, log: (l) => logs.push(l), tls: { cert: file('cert.pem'), key: file('key.pem'), ca: file('cert.pem'), requestCert: true },
  });
  const { port } = await listener.start();
  try {
    const trusted = await tlsConnect(port, { cert: file('cert.pem'), key: file('key.pem') });
    await new Promise<void>((ok) => trusted.end('<13>1 - h app - - - from a trusted client\n', ok));
    await waitUntil(() => sink.received.length === 1, 'the trusted client event');

    for (const client of [{}, { cert: file('other-cert.pem'), key: file('other-key.pem') }]) {
      const s = await tlsConnect(port, client).catch((err: Error) => err);
      if (s instanceof Error) continue;
      // TLS 1.3: the server's verdict on the client certificate arrives after the client's handshake completes.
      const closed = new Promise<void>((ok) => s.on('close', () => ok()));
      s.on('error', () => {});
      s.write('<13>1 - h app - - - must not be read\n');
      s.resume();
      await closed;
    }
    await waitUntil(() => listener.stats().connections.tlsFailed === 2, 'two refused handshakes');
    assert.deepEqual(sink.messages(), ['from a trusted client']);
    assert.match(logs.join('\n'), /TLS handshake with 127\.0\.0\.1:\d+ failed/);
  } finally {
    await listener.close();
  }
});

test('TLS options: requestCert needs a CA; unreadable files fail start() with the path', { skip: noOpenssl }, async () => {
  const sink = new RecordingSink();
  assert.throws(() => new TcpSyslogListener(sink, { port: 0, tls: { cert: file('cert.pem'), key: file('key.pem'), requestCert: true } }),
    (e: unknown) => e instanceof VigilError && e.location.field === 'tls.ca');
  const missing = file('missing.pem');
  const listener = new TcpSyslogListener(sink, { port: 0, tls: { cert: file('cert.pem'), key: missing } });
  await assert.rejects(listener.start(), (e: unknown) => e instanceof VigilError && e.code === 'SYSLOG_TLS_FILE' && e.location.file === missing);
});
