import type { IngestSink } from '../types.js';

/** What a listener has seen, for /metrics: counts only ever grow, except `open` and `paused`. */
export interface SyslogStats {
  /** 'syslog-udp', 'syslog-tcp' or 'syslog-tls'. */
  source: string;
  /** Messages read off the wire within the size limit (each is submitted unless dropped below). */
  received: number;
  /** Bytes read off the wire, all messages included. */
  bytes: number;
  /** Messages that did not parse as syslog; kept as text with the error noted. */
  parseErrors: number;
  /** Inputs the sink committed. */
  stored: number;
  /** Inputs the sink refused one by one (its outcome said why); not dropped by the listener. */
  rejected: number;
  /** Messages the listener dropped, by reason (oversize, congested, overloaded, truncated, ...). */
  dropped: Record<string, number>;
  connections: { open: number; total: number; refused: number; idleClosed: number; tlsFailed: number };
  /** TCP: reading is paused for backpressure right now. */
  paused: boolean;
  /** TCP: how many times reading was paused. */
  pauses: number;
}

const LOG_EVERY_MS = 1000;

/** The counters plus the one way to drop: counted here, reported to the sink, logged at most once a second per reason. */
export class ListenerStats {
  readonly value: SyslogStats;
  private readonly unlogged = new Map<string, number>();
  private lastLog = 0;

  constructor(source: string, private readonly sink: IngestSink, private readonly log: (line: string) => void) {
    this.value = {
      source, received: 0, bytes: 0, parseErrors: 0, stored: 0, rejected: 0, dropped: {},
      connections: { open: 0, total: 0, refused: 0, idleClosed: 0, tlsFailed: 0 }, paused: false, pauses: 0,
    };
  }

  drop(n: number, reason: string): void {
    if (n <= 0) return;
    this.value.dropped[reason] = (this.value.dropped[reason] ?? 0) + n;
    this.sink.countDropped(this.value.source, n, reason);
    this.unlogged.set(reason, (this.unlogged.get(reason) ?? 0) + n);
    if (Date.now() - this.lastLog >= LOG_EVERY_MS) this.flushLog();
  }

  /** Logs the drops not yet logged (called by drop() and at close, so the last ones are said too). */
  flushLog(): void {
    if (this.unlogged.size === 0) return;
    const parts = [...this.unlogged].map(([reason, n]) => `${n} ${reason}`);
    this.unlogged.clear();
    this.lastLog = Date.now();
    this.log(`vigil: ${this.value.source} dropped messages: ${parts.join(', ')} (totals: ${JSON.stringify(this.value.dropped)})`);
  }

  snapshot(): SyslogStats {
    return { ...this.value, dropped: { ...this.value.dropped }, connections: { ...this.value.connections } };
  }
}
