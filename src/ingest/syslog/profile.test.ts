import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import { normalize } from '../../formats/profiles/registry.js';
import type { NormalizedEvent } from '../../formats/profiles/types.js';
import { LOGGER, noLogger, RecordingSink, run, waitUntil } from './sink.testkit.js';
import { TcpSyslogListener } from './tcp.js';
import { UdpSyslogListener } from './udp.js';

/** What the pipeline will do with each input: the real profile normalization, with the listener's forced profile. */
function normalized(sink: RecordingSink): NormalizedEvent[] {
  return sink.received.flatMap((r) => normalize(r.input, r.info.profile));
}

test('an sshd failed-password line sent by logger becomes linux auth with source.ip and user.name', { skip: noLogger }, async () => {
  const sink = new RecordingSink();
  const udp = new UdpSyslogListener(sink, { port: 0 });
  const tcp = new TcpSyslogListener(sink, { port: 0, profile: 'linux_auth' });
  const [u, t] = [await udp.start(), await tcp.start()];
  try {
    const line = 'Failed password for invalid user admin from 203.0.113.5 port 52100 ssh2';
    await run(LOGGER, ['--rfc3164', '-n', '127.0.0.1', '-P', String(u.port), '-d', '-p', 'authpriv.info', '-t', 'sshd', '--id=4242', line]);
    await waitUntil(() => sink.received.length === 1, 'the UDP event');
    await run(LOGGER, ['--rfc5424', '-n', '127.0.0.1', '-P', String(t.port), '-T', '-p', 'authpriv.info', '-t', 'sshd', '--id=4243', line]);
    await waitUntil(() => sink.received.length === 2, 'the TCP event');

    const events = normalized(sink);
    assert.equal(events.length, 2);
    for (const [k, e] of events.entries()) {
      assert.equal(e.profile, 'linux_auth');
      assert.deepEqual(e.logsource, { product: 'linux', service: 'sshd' });
      assert.equal(e.core['event.dataset'], 'system.auth');
      assert.equal(e.core['event.outcome'], 'failure');
      assert.equal(e.core['user.name'], 'admin');
      assert.equal(e.core['source.ip'], '203.0.113.5');
      assert.equal(e.core['source.port'], 52100);
      assert.equal(e.core['host.name'], hostname());
      assert.equal(e.core['process.pid'], 4242 + k);
      assert.ok(e.originalText?.endsWith(line), 'the wire text is kept');
    }
  } finally {
    await udp.close();
    await tcp.close();
  }
});

test('a message that did not parse still normalizes (generic, with the error) under a forced syslog profile', async () => {
  const sink = new RecordingSink();
  const tcp = new TcpSyslogListener(sink, { port: 0, profile: 'linux_auth' });
  const { port } = await tcp.start();
  try {
    await new Promise<void>((ok) => {
      const s = connect(port, '127.0.0.1', () => s.end('<1000>not syslog at all\n'));
      s.on('close', () => ok());
    });
    await waitUntil(() => sink.received.length === 1, 'the event');
    const [e] = normalized(sink);
    assert.equal(e!.profile, 'generic');
    assert.equal(e!.core.message, '<1000>not syslog at all');
    assert.equal((e!.original['error'] as { code: string }).code, 'SYSLOG_BAD_PRI');
  } finally {
    await tcp.close();
  }
});
