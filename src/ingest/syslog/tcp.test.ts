import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { LOGGER, noLogger, RecordingSink, run, waitUntil } from './sink.testkit.js';
import type { SyslogListenerOptions } from './options.js';
import { TcpSyslogListener } from './tcp.js';

async function listen(sink: RecordingSink, options: Partial<SyslogListenerOptions> = {}) {
  const logs: string[] = [];
  const listener = new TcpSyslogListener(sink, { port: 0, log: (l) => logs.push(l), ...options });
  const { port } = await listener.start();
  return { listener, port, logs };
}

function open(port: number): Promise<Socket> {
  return new Promise((ok, fail) => {
    const s = connect(port, '127.0.0.1', () => ok(s));
    s.once('error', fail);
  });
}

function endAndWait(s: Socket): Promise<void> {
  return new Promise((ok) => {
    s.on('close', () => ok());
    s.end();
    s.resume();
  });
}

const octet = (msg: string): string => `${Buffer.byteLength(msg)} ${msg}`;

for (const octetCount of [false, true]) {
  test(`logger -T ${octetCount ? '--octet-count' : '(newline framing)'}: RFC 5424 lines from stdin, in order`, { skip: noLogger }, async () => {
    const sink = new RecordingSink();
    const { listener, port } = await listen(sink);
    try {
      const lines = Array.from({ length: 200 }, (_, i) => `line ${i} with "quotes" and [brackets]`);
      await run(LOGGER, ['--rfc5424', '-n', '127.0.0.1', '-P', String(port), '-T', ...(octetCount ? ['--octet-count'] : []),
        '-t', 'batchjob', '--id=99', '--sd-id', 'origin@1', '--sd-param', 'run="7"'], lines.join('\n') + '\n');
      await waitUntil(() => sink.received.length === lines.length, `${lines.length} events`);
      assert.deepEqual(sink.messages(), lines);
      const r = sink.records()[0]!;
      assert.deepEqual([r.format, r.hostname, r.appName, r.procId], ['rfc5424', hostname(), 'batchjob', '99']);
      assert.deepEqual(r.structuredData.find((e) => e.id === 'origin@1')?.params, [['run', '7']]);
      assert.equal(sink.received[0]!.info.source, 'syslog-tcp');
      assert.match(sink.received[0]!.input.transport?.peer ?? '', /^127\.0\.0\.1:\d+$/, 'the sender\'s address and port');
      await waitUntil(() => listener.stats().connections.open === 0, 'the connection closed');
      assert.deepEqual(listener.stats().connections, { open: 0, total: 1, refused: 0, idleClosed: 0, tlsFailed: 0 });
      assert.deepEqual(listener.stats().dropped, {});
    } finally {
      await listener.close();
    }
  });
}

test('logger -T --rfc3164: BSD messages over TCP', { skip: noLogger }, async () => {
  const sink = new RecordingSink();
  const { listener, port } = await listen(sink);
  try {
    await run(LOGGER, ['--rfc3164', '-n', '127.0.0.1', '-P', String(port), '-T', '-t', 'sudo', '--id=5', 'alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/id']);
    await waitUntil(() => sink.received.length === 1, 'one event');
    const r = sink.records()[0]!;
    assert.deepEqual([r.format, r.hostname, r.appName, r.procId, r.message], ['rfc3164', hostname(), 'sudo', '5', 'alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/id']);
  } finally {
    await listener.close();
  }
});

test('an oversize frame (either framing) is counted and the next frame is still read', async () => {
  const sink = new RecordingSink();
  const { listener, port } = await listen(sink, { maxMessageBytes: 256 });
  try {
    const s = await open(port);
    const big = '<13>1 - h app - - - ' + 'x'.repeat(1000);
    s.write(octet(big) + octet('<13>1 - h app - - - one') + big + '\n' + '<13>1 - h app - - - two\n');
    await endAndWait(s);
    await waitUntil(() => sink.received.length === 2, 'two events');
    assert.deepEqual(sink.messages(), ['one', 'two']);
    assert.equal(listener.stats().dropped['oversize'], 2);
    assert.equal(sink.droppedFor('oversize'), 2);
  } finally {
    await listener.close();
  }
});

test('at close: a last line without newline is kept, a cut octet-counted frame is reported', async () => {
  const sink = new RecordingSink();
  const { listener, port, logs } = await listen(sink);
  try {
    const a = await open(port);
    a.write('<13>1 - h app - - - complete\n<13>1 - h app - - - no newline at the end');
    await endAndWait(a);
    const b = await open(port);
    b.write(octet('<13>1 - h app - - - whole') + '200 <13>1 - h app - - - cut short');
    await endAndWait(b);
    await waitUntil(() => sink.received.length === 3 && listener.stats().dropped['truncated'] === 1, 'three events and one truncation');
    assert.deepEqual(sink.messages().sort(), ['complete', 'no newline at the end', 'whole']);
    assert.deepEqual(sink.dropped, [{ source: 'syslog-tcp', n: 1, reason: 'truncated' }]);
    assert.match(logs.join('\n'), /connection 127\.0\.0\.1:\d+ closed inside a frame at byte 28: .*got 29 of 200 bytes/);
  } finally {
    await listener.close();
  }
});

test('a submit refused for overload is retried: every message arrives exactly once', async () => {
  const sink = new RecordingSink();
  const { listener, port } = await listen(sink, { batchSize: 50, batchDelayMs: 5 });
  try {
    sink.refuse(3);
    const s = await open(port);
    const sent = Array.from({ length: 500 }, (_, i) => `<13>1 - h app - - - m${i}`);
    s.write(sent.map((m) => m + '\n').join(''));
    await endAndWait(s);
    await waitUntil(() => sink.received.length >= sent.length, 'all events');
    await listener.close();
    // Batches already in flight when one is refused land before its retry: order holds only without refusals.
    const byNumber = (a: string, b: string) => Number(a.slice(1)) - Number(b.slice(1));
    assert.deepEqual(sink.messages().sort(byNumber), sent.map((_, i) => `m${i}`));
    assert.deepEqual(listener.stats().dropped, {});
    assert.equal(listener.stats().stored, sent.length);
  } finally {
    await listener.close();
  }
});

test('idle connections are closed; connections over maxConnections are refused and counted', async () => {
  const sink = new RecordingSink();
  const { listener, port } = await listen(sink, { idleTimeoutMs: 100, maxConnections: 2 });
  try {
    const a = await open(port);
    const b = await open(port);
    const closed = Promise.all([a, b].map((s) => new Promise((ok) => s.on('close', ok))));
    await waitUntil(() => listener.stats().connections.open === 2, 'two open connections');
    const c = await open(port);
    const cClosed = new Promise((ok) => c.on('close', ok));
    c.on('error', () => {});
    c.resume();
    await cClosed;
    assert.equal(listener.stats().connections.refused, 1);
    a.resume();
    b.resume();
    await closed;
    await waitUntil(() => listener.stats().connections.open === 0, 'no open connection');
    assert.equal(listener.stats().connections.idleClosed, 2);
  } finally {
    await listener.close();
  }
});

test('close() reads what connected senders still send, then submits it', async () => {
  const sink = new RecordingSink();
  const { listener, port } = await listen(sink, { batchDelayMs: 10_000 });
  const s = await open(port);
  s.on('end', () => s.end());
  s.write('<13>1 - h app - - - before close\n');
  await waitUntil(() => listener.stats().received === 1, 'the message read');
  await listener.close();
  assert.deepEqual(sink.messages(), ['before close']);
});

test('a failing sink: the batch is counted as dropped (sink-error) with the reason logged, and the listener keeps reading', async () => {
  const sink = new RecordingSink();
  const real = sink.submit.bind(sink);
  let calls = 0;
  sink.submit = (inputs, info) => {
    if (++calls === 1) throw new Error('disk full');
    return real(inputs, info);
  };
  const { listener, port, logs } = await listen(sink, { batchDelayMs: 1 });
  try {
    const a = await open(port);
    a.write('<13>1 - h app - - - lost to the failing store\n');
    await waitUntil(() => listener.stats().dropped['sink-error'] === 1, 'the failed batch counted');
    a.write('<13>1 - h app - - - stored\n');
    await endAndWait(a);
    await waitUntil(() => sink.received.length === 1, 'the next event');
    assert.deepEqual(sink.messages(), ['stored']);
    assert.deepEqual(sink.dropped, [{ source: 'syslog-tcp', n: 1, reason: 'sink-error' }]);
    assert.match(logs.join('\n'), /the ingest pipeline failed a batch of 1: disk full/);
  } finally {
    await listener.close();
  }
});
