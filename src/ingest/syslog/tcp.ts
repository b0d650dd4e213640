import { readFileSync } from 'node:fs';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { VigilError } from '../../core/errors.js';
import { createSyslogParser, SyslogFrameDecoder, type FrameEvent, type SyslogParser } from '../../formats/syslog/index.js';
import type { IngestSink } from '../types.js';
import { Batcher } from './batcher.js';
import { StreamDelivery } from './delivery.js';
import { peerAddress, readMessage } from './message.js';
import { resolveOptions, type ResolvedOptions, type SyslogListenerOptions } from './options.js';
import { ListenerStats, type SyslogStats } from './stats.js';
import type { SyslogListener } from './udp.js';

/** One open connection: its socket, its own frame decoder and where it came from (for logs). */
interface Connection {
  socket: Socket;
  decoder: SyslogFrameDecoder;
  /** For log lines. */
  peer: string;
  /** `address:port` of the sender, when the socket knows it: each event's `log.source.address`. */
  address: string | undefined;
  finished: boolean;
}

function readPem(path: string, field: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new VigilError('SYSLOG_TLS_FILE', `syslog-tls: cannot read ${field} file ${path}: ${(err as Error).message}`, { file: path, field }, { cause: err });
  }
}

/**
 * Syslog over TCP (RFC 6587, octet counting and newline framing) or TLS (RFC 5425). Nothing read
 * is dropped for load: when the sink is congested or submits pile up, every socket is paused, so
 * senders block in their TCP window, and reading resumes once the sink drains.
 */
export class TcpSyslogListener implements SyslogListener {
  readonly source: string;
  private readonly options: ResolvedOptions;
  private readonly counters: ListenerStats;
  private readonly parse: SyslogParser;
  private readonly delivery: StreamDelivery;
  private readonly batcher: Batcher;
  private readonly connections = new Set<Connection>();
  private server: Server | undefined;
  private paused = false;
  private drainHooked = false;

  constructor(private readonly sink: IngestSink, options: SyslogListenerOptions) {
    this.options = resolveOptions(options);
    this.source = this.options.tls ? 'syslog-tls' : 'syslog-tcp';
    this.counters = new ListenerStats(this.source, sink, this.options.log);
    this.parse = createSyslogParser({ timeZone: this.options.timeZone, maxLength: this.options.maxMessageBytes });
    this.delivery = new StreamDelivery(sink, this.counters, this.options.maxInflightBatches, () => this.applyPressure(), this.options.log);
    this.batcher = new Batcher(this.options.batchSize, this.options.batchDelayMs, this.options.profile, (b) => this.delivery.deliver(b));
  }

  async start(): Promise<{ port: number }> {
    if (this.server) throw new VigilError('SYSLOG_STATE', `${this.source} listener already started`);
    const server = this.createServer();
    this.server = server;
    server.maxConnections = this.options.maxConnections;
    server.on('drop', () => {
      this.counters.value.connections.refused++;
      this.options.log(`vigil: ${this.source}: connection refused, ${this.options.maxConnections} connections already open`);
    });
    const { host, port } = this.options;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => {
        server.off('error', fail);
        ok();
      });
    }).catch((err: unknown) => {
      this.server = undefined;
      throw new VigilError('SYSLOG_LISTEN', `${this.source}: cannot listen on ${host}:${port}: ${(err as Error).message}`, {}, { cause: err });
    });
    server.on('error', (err) => this.options.log(`vigil: ${this.source} server error: ${err.message}`));
    const address = server.address();
    return { port: typeof address === 'object' && address ? address.port : port };
  }

  private createServer(): Server {
    const tls = this.options.tls;
    if (!tls) return createNetServer((socket) => this.accept(socket));
    const server = createTlsServer({
      cert: readPem(tls.cert, 'tls.cert'),
      key: readPem(tls.key, 'tls.key'),
      ca: tls.ca === undefined ? undefined : readPem(tls.ca, 'tls.ca'),
      requestCert: tls.requestCert ?? false,
      rejectUnauthorized: tls.requestCert ?? false,
      handshakeTimeout: Math.min(10_000, this.options.idleTimeoutMs),
    }, (socket) => this.accept(socket));
    server.on('tlsClientError', (err, socket) => {
      this.counters.value.connections.tlsFailed++;
      this.options.log(`vigil: ${this.source}: TLS handshake with ${socket.remoteAddress}:${socket.remotePort} failed: ${err.message}`);
    });
    return server;
  }

  private accept(socket: Socket): void {
    const address = peerAddress(socket.remoteAddress, socket.remotePort);
    const conn: Connection = {
      socket, address,
      decoder: new SyslogFrameDecoder({ maxFrameBytes: this.options.maxMessageBytes }),
      peer: address ?? 'unknown peer',
      finished: false,
    };
    this.connections.add(conn);
    this.counters.value.connections.open++;
    this.counters.value.connections.total++;
    if (this.paused) socket.pause();
    socket.setTimeout(this.options.idleTimeoutMs);
    socket.on('timeout', () => {
      // A paused socket is quiet because of us, not the sender.
      if (this.paused) return;
      this.counters.value.connections.idleClosed++;
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      this.counters.value.bytes += chunk.length;
      this.onFrames(conn, conn.decoder.push(chunk));
      if (this.sink.congested && !this.paused) this.applyPressure();
    });
    socket.on('end', () => this.finish(conn));
    socket.on('error', (err) => this.options.log(`vigil: ${this.source}: connection ${conn.peer}: ${err.message}`));
    socket.on('close', () => {
      this.finish(conn);
      this.connections.delete(conn);
      this.counters.value.connections.open--;
    });
  }

  /** The end of a connection: a last line without newline is a message; a cut octet-counted frame is reported. */
  private finish(conn: Connection): void {
    if (conn.finished) return;
    conn.finished = true;
    this.onFrames(conn, conn.decoder.end());
  }

  private onFrames(conn: Connection, events: FrameEvent[]): void {
    const now = Date.now();
    for (const e of events) {
      if (e.type === 'error') {
        const reason = e.error.code === 'SYSLOG_FRAME_TOO_LARGE' ? 'oversize' : 'truncated';
        this.counters.drop(1, reason);
        if (reason === 'truncated') this.options.log(`vigil: ${this.source}: connection ${conn.peer} closed inside a frame at byte ${e.offset}: ${e.error.message}`);
        continue;
      }
      this.counters.value.received++;
      const { input, parsed } = readMessage(this.parse, e.data, { offset: e.offset }, conn.address);
      if (!parsed) this.counters.value.parseErrors++;
      this.batcher.add(input, parsed, now);
    }
  }

  /** Pauses every socket while the delivery is backlogged or the sink congested; resumes them after. */
  private applyPressure(): void {
    const congested = this.sink.congested;
    const want = congested || this.delivery.backlogged;
    if (congested && !this.drainHooked) {
      this.drainHooked = true;
      this.sink.onDrain(() => {
        this.drainHooked = false;
        this.applyPressure();
      });
    }
    if (want === this.paused) return;
    this.paused = want;
    this.counters.value.paused = want;
    if (want) this.counters.value.pauses++;
    for (const c of this.connections) {
      if (want) c.socket.pause();
      else {
        c.socket.resume();
        // Re-arm the idle timer, which may have fired (and been ignored) while paused.
        c.socket.setTimeout(this.options.idleTimeoutMs);
      }
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((ok) => server.close(() => ok()));
    // Ask senders to finish; what they still send is read. Sockets still open after the timeout are cut.
    for (const c of this.connections) c.socket.end();
    const deadline = timeout(this.options.closeTimeoutMs);
    await Promise.race([closed, deadline.promise]);
    for (const c of this.connections) c.socket.destroy();
    await closed;
    this.batcher.flush();
    await Promise.race([this.delivery.idle(), deadline.promise]);
    deadline.cancel();
    this.delivery.abandon();
    this.counters.flushLog();
  }

  stats(): SyslogStats {
    return this.counters.snapshot();
  }
}

function timeout(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((ok) => {
    timer = setTimeout(ok, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}
