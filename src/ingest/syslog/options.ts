import { VigilError } from '../../core/errors.js';
import { getProfile } from '../../formats/profiles/registry.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../../formats/syslog/framing.js';

export interface SyslogTlsOptions {
  /** PEM certificate chain file. */
  cert: string;
  /** PEM private key file. */
  key: string;
  /** PEM CA bundle for verifying client certificates. */
  ca?: string;
  /** Ask for a client certificate and refuse connections whose certificate does not verify against `ca`. */
  requestCert?: boolean;
}

export interface SyslogListenerOptions {
  /** 0 picks a free port (tests); `start()` answers with the bound one. */
  port: number;
  /** Default 127.0.0.1: listening on other interfaces is a choice the operator makes. */
  host?: string;
  /** Largest message kept, in bytes (datagram or frame); bigger ones are dropped and counted. Default 64 KiB. */
  maxMessageBytes?: number;
  /** Source profile for every message; detected per message when absent. */
  profile?: string;
  /** Zone of timestamps written without offset (RFC 3164). Default UTC. */
  timeZone?: string;
  /** Messages per submit. Default 500. */
  batchSize?: number;
  /** Longest a message waits for its batch to fill, in ms. Default 20. */
  batchDelayMs?: number;
  /** Submits awaiting the sink at once; beyond it TCP pauses and UDP drops. Default 4. */
  maxInflightBatches?: number;
  /** TCP/TLS: a connection with no traffic for this long is closed. Default 5 minutes. */
  idleTimeoutMs?: number;
  /** TCP/TLS: connections beyond this are refused and counted. Default 1000. */
  maxConnections?: number;
  /** TCP/TLS: how long `close()` waits for senders to finish and for the sink before giving up. Default 5 s. */
  closeTimeoutMs?: number;
  /** UDP: SO_RCVBUF in bytes, to ride out bursts; the OS default when absent. */
  recvBufferSize?: number;
  /** TCP only: serve TLS with these files. */
  tls?: SyslogTlsOptions;
  /** Diagnostics (drops, truncated frames, TLS failures); never message contents. Default: none. */
  log?: (line: string) => void;
}

export type ResolvedOptions = Required<Omit<SyslogListenerOptions, 'profile' | 'tls' | 'recvBufferSize' | 'timeZone'>> &
  Pick<SyslogListenerOptions, 'profile' | 'tls' | 'recvBufferSize' | 'timeZone'>;

function bad(field: string, message: string): VigilError {
  return new VigilError('SYSLOG_BAD_OPTION', `syslog listener: ${field} ${message}`, { field });
}

function integer(value: number | undefined, field: string, min: number, max: number, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw bad(field, `must be an integer from ${min} to ${max}, got ${String(value)}`);
  return v;
}

/** Fills defaults and checks every option, naming the bad one; an unknown profile lists the known ones. */
export function resolveOptions(options: SyslogListenerOptions): ResolvedOptions {
  if (options.profile !== undefined) getProfile(options.profile);
  if (options.tls !== undefined) {
    for (const key of ['cert', 'key'] as const) {
      if (typeof options.tls[key] !== 'string' || options.tls[key] === '') throw bad(`tls.${key}`, 'must be a file path');
    }
    if (options.tls.requestCert && !options.tls.ca) throw bad('tls.ca', 'is required when tls.requestCert is set (client certificates are verified against it)');
  }
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw bad('host', 'must be a non-empty address');
  return {
    port: integer(options.port, 'port', 0, 65535, -1),
    host,
    maxMessageBytes: integer(options.maxMessageBytes, 'maxMessageBytes', 16, 16 * 1024 * 1024, DEFAULT_MAX_FRAME_BYTES),
    profile: options.profile,
    timeZone: options.timeZone,
    batchSize: integer(options.batchSize, 'batchSize', 1, 100_000, 500),
    batchDelayMs: integer(options.batchDelayMs, 'batchDelayMs', 0, 60_000, 20),
    maxInflightBatches: integer(options.maxInflightBatches, 'maxInflightBatches', 1, 1024, 4),
    idleTimeoutMs: integer(options.idleTimeoutMs, 'idleTimeoutMs', 1, 24 * 3600_000, 5 * 60_000),
    maxConnections: integer(options.maxConnections, 'maxConnections', 1, 1_000_000, 1000),
    closeTimeoutMs: integer(options.closeTimeoutMs, 'closeTimeoutMs', 0, 600_000, 5000),
    recvBufferSize: options.recvBufferSize === undefined ? undefined : integer(options.recvBufferSize, 'recvBufferSize', 1024, 1 << 30, 0),
    tls: options.tls,
    log: options.log ?? (() => {}),
  };
}
