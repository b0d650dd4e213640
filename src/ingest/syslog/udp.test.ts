import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { hostname, networkInterfaces } from 'node:os';
import { VigilError } from '../../core/errors.js';
import { LOGGER, noLogger, RecordingSink, run, waitUntil } from './sink.testkit.js';
import { UdpSyslogListener } from './udp.js';

async function listen(sink: RecordingSink, options: Partial<ConstructorParameters<typeof UdpSyslogListener>[1]> = {}) {
  const logs: string[] = [];
  const listener = new UdpSyslogListener(sink, { port: 0, recvBufferSize: 4 << 20, log: (l) => logs.push(l), ...options });
  const { port } = await listener.start();
  return { listener, port, logs };
}

/** Sends datagrams from a real UDP socket, pausing now and then so the loopback buffer never overflows. */
async function sendDatagrams(port: number, messages: Array<string | Buffer>): Promise<void> {
  const client = createSocket('udp4');
  try {
    for (let i = 0; i < messages.length; i++) {
      await new Promise<void>((ok, fail) => client.send(messages[i]!, port, '127.0.0.1', (err) => (err ? fail(err) : ok())));
      if (i % 50 === 49) await new Promise((ok) => setTimeout(ok, 2));
    }
  } finally {
    client.close();
  }
}

test('logger --rfc5424 over UDP: header, structured data and message kept', { skip: noLogger }, async () => {
  const sink = new RecordingSink();
  const { listener, port } = await listen(sink);
  try {
    await run(LOGGER, [
      '--rfc5424', '-n', '127.0.0.1', '-P', String(port), '-d', '-t', 'myapp', '--id=77', '--msgid', 'ID47',
      '--sd-id', 'zoo@32473', '--sd-param', 'tiger="hungry"', '--sd-param', 'food="meat \\"raw\\""', 'hello over udp',
    ]);
    await waitUntil(() => sink.received.length === 1, 'one event');
    const [r] = sink.records();
    assert.equal(r!.format, 'rfc5424');
    assert.equal(r!.hostname, hostname());
    assert.equal(r!.appName, 'myapp');
    assert.equal(r!.procId, '77');
    assert.equal(r!.msgId, 'ID47');
    assert.equal(r!.facility, 1);
    assert.equal(r!.severity, 5);
    assert.equal(r!.message, 'hello over udp');
    assert.deepEqual(r!.structuredData.find((e) => e.id === 'zoo@32473'), { id: 'zoo@32473', params: [['tiger', 'hungry'], ['food', 'meat "raw"']] });
    const info = sink.received[0]!.info;
    assert.equal(info.source, 'syslog-udp');
    assert.equal(info.profile, undefined);
    assert.ok(Math.abs(info.receivedAt - Date.now()) < 60_000);
    assert.equal((sink.received[0]!.input as { text?: string }).text?.endsWith('hello over udp'), true);
    assert.match(sink.received[0]!.input.transport?.peer ?? '', /^127\.0\.0\.1:\d+$/, 'the sender\'s address and port');
    assert.deepEqual({ received: listener.stats().received, stored: listener.stats().stored }, { received: 1, stored: 1 });
  } finally {
    await listener.close();
  }
});

test('logger --rfc3164 over UDP: BSD header with tag and pid', { skip: noLogger }, async () => {
  const sink = new RecordingSink();
  const { listener, port } = await listen(sink);
  try {
    await run(LOGGER, ['--rfc3164', '-n', '127.0.0.1', '-P', String(port), '-d', '-p', 'auth.warning', '-t', 'sshd', '--id=4242', 'Invalid user oracle from 198.51.100.2 port 333']);
    await waitUntil(() => sink.received.length === 1, 'one event');
    const [r] = sink.records();
    assert.equal(r!.format, 'rfc3164');
    assert.deepEqual([r!.facility, r!.severity], [4, 4]);
    assert.equal(r!.hostname, hostname());
    assert.deepEqual([r!.appName, r!.procId], ['sshd', '4242']);
    assert.equal(r!.message, 'Invalid user oracle from 198.51.100.2 port 333');
  } finally {
    await listener.close();
  }
});

test('datagrams are batched: many messages, few submits, none larger than batchSize, order kept', async () => {
  const sink = new RecordingSink();
  const { listener, port } = await listen(sink, { batchSize: 100, batchDelayMs: 50 });
  try {
    const sent = Array.from({ length: 450 }, (_, i) => `<14>1 - h app - - - message ${i}`);
    await sendDatagrams(port, sent);
    await waitUntil(() => sink.received.length === sent.length, `${sent.length} events`);
    assert.deepEqual(sink.messages(), sent.map((_, i) => `message ${i}`));
    assert.ok(sink.submits.every((n) => n <= 100), `submit sizes ${sink.submits.join(',')}`);
    assert.ok(sink.submits.length < sent.length / 4, `${sink.submits.length} submits for ${sent.length} messages`);
  } finally {
    await listener.close();
  }
});

test('an oversize datagram is dropped and counted; the next one is read', async () => {
  const sink = new RecordingSink();
  const { listener, port, logs } = await listen(sink, { maxMessageBytes: 1024 });
  try {
    await sendDatagrams(port, ['<13>1 - h app - - - ' + 'x'.repeat(2000), '<13>1 - h app - - - exactly at the limit'.padEnd(1024, '.'), '<13>1 - h app - - - after']);
    await waitUntil(() => sink.received.length === 2, 'two events');
    assert.equal(sink.messages()[1], 'after');
    assert.equal(listener.stats().dropped['oversize'], 1);
    assert.deepEqual(sink.dropped, [{ source: 'syslog-udp', n: 1, reason: 'oversize' }]);
    assert.equal(listener.stats().received, 2);
    assert.match(logs.join('\n'), /syslog-udp dropped messages: 1 oversize/);
  } finally {
    await listener.close();
  }
});

test('a congested or refusing sink makes UDP drop whole batches, counted and logged with how many', async () => {
  const sink = new RecordingSink();
  const { listener, port, logs } = await listen(sink, { batchSize: 10, batchDelayMs: 5 });
  try {
    sink.setCongested(true);
    await sendDatagrams(port, Array.from({ length: 30 }, (_, i) => `<13>1 - h app - - - c${i}`));
    await waitUntil(() => sink.droppedFor('congested') === 30, '30 dropped for congestion');
    assert.equal(sink.received.length, 0);

    sink.setCongested(false);
    sink.refuse(1);
    await sendDatagrams(port, Array.from({ length: 10 }, (_, i) => `<13>1 - h app - - - r${i}`));
    await waitUntil(() => sink.droppedFor('overloaded') === 10, '10 dropped for overload');

    await sendDatagrams(port, ['<13>1 - h app - - - fine']);
    await waitUntil(() => sink.received.length === 1, 'the next message stored');
    await listener.close();
    const stats = listener.stats();
    assert.deepEqual(stats.dropped, { congested: 30, overloaded: 10 });
    assert.deepEqual([stats.received, stats.stored], [41, 1]);
    assert.match(logs.join('\n'), /syslog-udp dropped messages: .*congested/);
    assert.match(logs.at(-1)!, /"congested":30,"overloaded":10/);
  } finally {
    await listener.close();
  }
});

test('a message that is not syslog is kept as text with the parse error noted, outside a forced profile', async () => {
  const sink = new RecordingSink();
  const { listener, port } = await listen(sink, { profile: 'linux_auth' });
  try {
    await sendDatagrams(port, ['<999>Oct 11 22:14:15 h sshd: broken pri', '<38>Oct 11 22:14:15 h sshd[1]: fine']);
    await waitUntil(() => sink.received.length === 2, 'two events');
    const bad = sink.received.find((r) => r.input.kind === 'json')!;
    const { transport, ...content } = bad.input;
    assert.deepEqual(content, {
      kind: 'json',
      value: { message: '<999>Oct 11 22:14:15 h sshd: broken pri', error: { code: 'SYSLOG_BAD_PRI', message: 'syslog: PRI 999 is not between 0 and 191 at column 2' } },
    });
    assert.match(transport?.peer ?? '', /^127\.0\.0\.1:\d+$/, 'the sender is kept for text too');
    assert.equal(bad.info.profile, undefined, 'no syslog profile forced on text');
    const good = sink.received.find((r) => r.input.kind === 'syslog')!;
    assert.equal(good.info.profile, 'linux_auth');
    assert.equal(listener.stats().parseErrors, 1);
  } finally {
    await listener.close();
  }
});

test('bad options are refused with the option named', () => {
  const sink = new RecordingSink();
  const code = (fn: () => unknown, field: string) => assert.throws(fn, (e: unknown) => e instanceof VigilError && e.location.field === field, field);
  code(() => new UdpSyslogListener(sink, { port: 70000 }), 'port');
  code(() => new UdpSyslogListener(sink, { port: 0, maxMessageBytes: 0 }), 'maxMessageBytes');
  code(() => new UdpSyslogListener(sink, { port: 0, profile: 'nope' }), 'profile');
  code(() => new UdpSyslogListener(sink, { port: 0, tls: { cert: 'c', key: 'k' } }), 'tls');
});

test('a port already in use fails start() with the address', async () => {
  const sink = new RecordingSink();
  const { listener, port } = await listen(sink);
  try {
    const second = new UdpSyslogListener(sink, { port });
    await assert.rejects(second.start(), (e: unknown) => e instanceof VigilError && e.code === 'SYSLOG_LISTEN' && e.message.includes(`127.0.0.1:${port}`));
  } finally {
    await listener.close();
  }
});

const noIpv6Loopback = Object.values(networkInterfaces()).flat().some((a) => a?.address === '::1') ? false : 'no IPv6 loopback (::1) on this machine';

test('an IPv6 listener on ::1 takes logger\'s datagrams', { skip: noLogger || noIpv6Loopback }, async () => {
  const sink = new RecordingSink();
  const { listener, port } = await listen(sink, { host: '::1' });
  try {
    await run(LOGGER, ['--rfc5424', '-n', '::1', '-P', String(port), '-d', '-t', 'v6app', 'hello over ipv6']);
    await waitUntil(() => sink.received.length === 1, 'one event over IPv6');
    const [r] = sink.records();
    assert.equal(r!.appName, 'v6app');
    assert.equal(r!.message, 'hello over ipv6');
    assert.match(sink.received[0]!.input.transport?.peer ?? '', /^\[::1\]:\d+$/, 'an IPv6 peer in brackets');
  } finally {
    await listener.close();
  }
});
