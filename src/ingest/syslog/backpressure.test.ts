import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { RecordingSink, waitUntil } from './sink.testkit.js';
import { TcpSyslogListener } from './tcp.js';

function open(port: number): Promise<Socket> {
  return new Promise((ok, fail) => {
    const s = connect(port, '127.0.0.1', () => ok(s));
    s.once('error', fail);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}

/** `n` RFC 5424 lines padded to about 400 bytes, numbered so order and loss both show. */
function lines(n: number, tag = 'm'): string[] {
  return Array.from({ length: n }, (_, i) => `<13>1 - h app - - - ${tag}${i} ${'p'.repeat(370)}`);
}

test('a congested sink pauses TCP reading (the sender is held back) and nothing is lost once it drains', async () => {
  const sink = new RecordingSink();
  sink.setCongested(true);
  const listener = new TcpSyslogListener(sink, { port: 0 });
  const { port } = await listener.start();
  try {
    const sent = lines(50_000);
    const payload = sent.join('\n') + '\n';
    const client = await open(port);
    client.write(payload);

    await waitUntil(() => listener.stats().paused, 'the listener to pause');
    const readAtPause = listener.stats().bytes;
    await sleep(300);
    const stats = listener.stats();
    assert.equal(stats.bytes, readAtPause, 'no byte is read while paused');
    assert.ok(stats.bytes < payload.length / 4, `read ${stats.bytes} of ${payload.length} bytes while congested`);
    assert.ok(client.writableLength > 0, 'the sender still holds unsent data: it was slowed down, not drained');
    assert.equal(sink.received.length, 0, 'nothing submitted while the sink is congested');
    assert.deepEqual(stats.dropped, {});

    sink.setCongested(false);
    await new Promise<void>((ok) => client.end(ok));
    await waitUntil(() => sink.received.length === sent.length, `${sent.length} events after the drain`, 20_000);
    assert.deepEqual(sink.messages().map((m) => m.slice(0, m.indexOf(' '))), sent.map((_, i) => `m${i}`));
    assert.equal(listener.stats().paused, false);
    assert.deepEqual(listener.stats().dropped, {});
    assert.ok(sink.submits.every((n) => n <= 500));
  } finally {
    await listener.close();
  }
});

test('congestion that comes and goes across several connections: every event once, each connection in order', async () => {
  const sink = new RecordingSink();
  let submits = 0;
  sink.afterSubmit = (s) => {
    if (++submits % 3 !== 0) return;
    s.setCongested(true);
    setTimeout(() => s.setCongested(false), 5);
  };
  const listener = new TcpSyslogListener(sink, { port: 0, batchSize: 200 });
  const { port } = await listener.start();
  try {
    const streams = ['a', 'b', 'c'].map((tag) => lines(5000, tag));
    const clients = await Promise.all(streams.map(() => open(port)));
    await Promise.all(clients.map((c, k) => new Promise<void>((ok) => c.end(streams[k]!.join('\n') + '\n', ok))));
    const total = streams.reduce((n, s) => n + s.length, 0);
    await waitUntil(() => sink.received.length === total, `${total} events`, 20_000);
    const got = sink.messages().map((m) => m.slice(0, m.indexOf(' ')));
    for (const [k, tag] of ['a', 'b', 'c'].entries()) {
      assert.deepEqual(got.filter((m) => m[0] === tag), streams[k]!.map((_, i) => `${tag}${i}`), `connection ${tag}`);
    }
    assert.ok(listener.stats().pauses >= 2, `paused ${listener.stats().pauses} times`);
    assert.deepEqual(listener.stats().dropped, {});
  } finally {
    await listener.close();
  }
});

test('a sink slower than the senders: submits in flight are bounded and reading pauses until they finish', async () => {
  const sink = new RecordingSink();
  sink.hold();
  const listener = new TcpSyslogListener(sink, { port: 0, batchSize: 100, maxInflightBatches: 2 });
  const { port } = await listener.start();
  try {
    const sent = lines(20_000);
    const client = await open(port);
    client.end(sent.join('\n') + '\n');
    await waitUntil(() => listener.stats().paused, 'the listener to pause');
    await sleep(100);
    // Held: two submits in flight, up to two batches queued, plus the one being filled.
    assert.ok(listener.stats().received <= 100 * 5 + 200, `received ${listener.stats().received} while the sink answered nothing`);
    sink.release();
    const timer = setInterval(() => sink.release(), 1);
    try {
      await waitUntil(() => sink.received.length === sent.length, `${sent.length} events`, 20_000);
    } finally {
      clearInterval(timer);
    }
    assert.deepEqual(sink.messages().map((m) => m.slice(0, m.indexOf(' '))), sent.map((_, i) => `m${i}`));
  } finally {
    await listener.close();
  }
});

test('close() while congested gives up after closeTimeoutMs and counts what it could not submit', async () => {
  const sink = new RecordingSink();
  sink.setCongested(true);
  const logs: string[] = [];
  const listener = new TcpSyslogListener(sink, { port: 0, closeTimeoutMs: 200, log: (l) => logs.push(l) });
  const { port } = await listener.start();
  const client = await open(port);
  client.on('error', () => {});
  client.write(lines(10).join('\n') + '\n');
  await waitUntil(() => listener.stats().received === 10, 'ten messages read');
  await listener.close();
  assert.equal(listener.stats().dropped['shutdown'], 10);
  assert.equal(sink.droppedFor('shutdown'), 10);
  assert.match(logs.join('\n'), /10 shutdown/);
});
