/**
 * `vigil serve --config FILE`: one YAML file for the server, validated up front so a typo is an error
 * with the file and the field's path, never a silently ignored setting. Command-line flags override it.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { VigilError } from '../core/errors.js';

const port = z.number().int().min(0).max(65535);
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 30s, 10m, 24h or 7d');

const syslogListener = z.object({
  protocol: z.enum(['udp', 'tcp', 'tls']),
  port,
  host: z.string().default('127.0.0.1'),
  /** Source profile for every message of this listener; detected per message when absent. */
  profile: z.string().optional(),
  maxMessageBytes: z.number().int().min(256).max(16 * 1024 * 1024).default(64 * 1024),
  maxConnections: z.number().int().min(1).max(100_000).default(1000),
  idleTimeout: duration.default('10m'),
  tls: z.object({
    cert: z.string(),
    key: z.string(),
    ca: z.string().optional(),
    requestCert: z.boolean().default(false),
  }).strict().optional(),
}).strict().refine((l) => l.protocol !== 'tls' || l.tls !== undefined, { message: "a 'tls' listener needs tls.cert and tls.key", path: ['tls'] });

export const SyslogListenerSchema = syslogListener;

const slaTarget = (acknowledge: string, resolve: string) => z.object({
  acknowledge: duration.default(acknowledge),
  resolve: duration.default(resolve),
}).strict().default({});

export const ConfigSchema = z.object({
  data: z.string().default('./data'),
  http: z.object({
    host: z.string().default('127.0.0.1'),
    port: port.default(8470),
    maxBodyBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(10 * 1024 * 1024),
  }).strict().default({}),
  syslog: z.array(syslogListener).default([]),
  /** Rule files or folders. */
  rules: z.array(z.string()).optional(),
  retention: z.object({
    maxAgeDays: z.number().int().min(1).optional(),
    maxSizeMB: z.number().int().min(1).optional(),
    checkEvery: duration.default('10m'),
  }).strict().default({}),
  detection: z.object({
    groupWindow: duration.default('10m'),
  }).strict().default({}),
  /** SOC metrics SLA targets per severity: time to acknowledge and to resolve (close) an alert. */
  sla: z.object({
    critical: slaTarget('15m', '4h'),
    high: slaTarget('1h', '24h'),
    medium: slaTarget('4h', '3d'),
    low: slaTarget('24h', '7d'),
  }).strict().default({}),
  /** Ticket connectors; validated in full by the ticketing module (docs/TICKETING.md). */
  ticketing: z.unknown().optional(),
  ingest: z.object({
    maxQueueEvents: z.number().int().min(100).max(10_000_000).default(200_000),
    maxQueueBytes: z.number().int().min(1024 * 1024).default(256 * 1024 * 1024),
  }).strict().default({}),
}).strict();

export type VigilConfig = z.infer<typeof ConfigSchema>;
export type SyslogListenerConfig = z.infer<typeof syslogListener>;

export function durationMs(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!m) throw new VigilError('config.duration', `'${text}' is not a duration`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** Validates a parsed config object; errors name the file, line and field path. */
export function parseConfig(value: unknown, file = '<config>', lineOf: (path: (string | number)[]) => number | undefined = () => undefined): VigilConfig {
  const result = ConfigSchema.safeParse(value ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const field = first.path.join('.');
  const line = lineOf(first.path);
  const where = line === undefined ? file : `${file}:${line}`;
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
  throw new VigilError('config.invalid', `${where}: ${field || '(top level)'}: ${first.message}${more}`, line === undefined ? { file, field } : { file, line, field });
}

/** Reads and validates a YAML config file; relative paths in it resolve against the file's folder. */
export function loadConfig(file: string): VigilConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new VigilError('config.read', `cannot read config ${file}: ${(err as Error).message}`, { file });
  }
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line;
    throw new VigilError('config.yaml', `${file}${line ? `:${line}` : ''}: ${e.message}`, line ? { file, line } : { file });
  }
  const lineOf = (path: (string | number)[]): number | undefined => {
    for (let n = path.length; n > 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return text.slice(0, node.range[0]).split('\n').length;
    }
    return undefined;
  };
  const config = parseConfig(doc.toJS(), file, lineOf);
  const base = dirname(resolve(file));
  const abs = (p: string): string => resolve(base, p);
  config.data = abs(config.data);
  if (config.rules) config.rules = config.rules.map(abs);
  for (const l of config.syslog) {
    if (l.tls) {
      l.tls.cert = abs(l.tls.cert);
      l.tls.key = abs(l.tls.key);
      if (l.tls.ca) l.tls.ca = abs(l.tls.ca);
    }
  }
  return config;
}

/** The `sla` section as the targets startVigil takes (ms). */
export function slaOptions(sla: VigilConfig['sla']): Record<keyof VigilConfig['sla'], { acknowledgeMs: number; resolveMs: number }> {
  const t = (x: { acknowledge: string; resolve: string }): { acknowledgeMs: number; resolveMs: number } => ({ acknowledgeMs: durationMs(x.acknowledge), resolveMs: durationMs(x.resolve) });
  return { critical: t(sla.critical), high: t(sla.high), medium: t(sla.medium), low: t(sla.low) };
}
