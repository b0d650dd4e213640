import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { VigilError } from '../../core/errors.js';
import { createSyslogParser, type SyslogParser } from '../../formats/syslog/index.js';
import type { IngestSink } from '../types.js';
import { Batcher } from './batcher.js';
import { LossyDelivery } from './delivery.js';
import { peerAddress, readMessage } from './message.js';
import { resolveOptions, type ResolvedOptions, type SyslogListenerOptions } from './options.js';
import { ListenerStats, type SyslogStats } from './stats.js';

export interface SyslogListener {
  readonly source: string;
  /** Binds; resolves with the bound port (useful with port 0). */
  start(): Promise<{ port: number }>;
  /** Stops receiving, submits what is batched and waits for the sink to answer. */
  close(): Promise<void>;
  stats(): SyslogStats;
}

/** Syslog over UDP (RFC 5426): one datagram is one message. */
export class UdpSyslogListener implements SyslogListener {
  readonly source = 'syslog-udp';
  private readonly options: ResolvedOptions;
  private readonly counters: ListenerStats;
  private readonly parse: SyslogParser;
  private readonly delivery: LossyDelivery;
  private readonly batcher: Batcher;
  private socket: Socket | undefined;

  constructor(sink: IngestSink, options: SyslogListenerOptions) {
    this.options = resolveOptions(options);
    if (this.options.tls) throw new VigilError('SYSLOG_BAD_OPTION', 'syslog listener: tls is for TCP listeners, not UDP', { field: 'tls' });
    this.counters = new ListenerStats(this.source, sink, this.options.log);
    this.parse = createSyslogParser({ timeZone: this.options.timeZone, maxLength: this.options.maxMessageBytes });
    this.delivery = new LossyDelivery(sink, this.counters, this.options.maxInflightBatches);
    this.batcher = new Batcher(this.options.batchSize, this.options.batchDelayMs, this.options.profile, (b) => this.delivery.deliver(b));
  }

  async start(): Promise<{ port: number }> {
    if (this.socket) throw new VigilError('SYSLOG_STATE', 'syslog-udp listener already started');
    const { host, port, recvBufferSize } = this.options;
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.onMessage(msg, peerAddress(rinfo.address, rinfo.port)));
    await new Promise<void>((ok, fail) => {
      socket.once('error', fail);
      socket.bind(port, host, () => {
        socket.off('error', fail);
        ok();
      });
    }).catch((err: unknown) => {
      this.socket = undefined;
      throw new VigilError('SYSLOG_LISTEN', `syslog-udp: cannot listen on ${host}:${port}: ${(err as Error).message}`, {}, { cause: err });
    });
    socket.on('error', (err) => this.options.log(`vigil: syslog-udp socket error: ${err.message}`));
    return { port: socket.address().port };
  }

  private onMessage(msg: Buffer, peer: string | undefined): void {
    this.counters.value.bytes += msg.length;
    if (msg.length > this.options.maxMessageBytes) {
      this.counters.drop(1, 'oversize');
      return;
    }
    this.counters.value.received++;
    const { input, parsed } = readMessage(this.parse, msg, {}, peer);
    if (!parsed) this.counters.value.parseErrors++;
    this.batcher.add(input, parsed, Date.now());
  }

  async close(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    await new Promise<void>((ok) => socket.close(() => ok()));
    this.batcher.flush();
    await this.delivery.idle();
    this.counters.flushLog();
  }

  stats(): SyslogStats {
    return this.counters.snapshot();
  }
}
