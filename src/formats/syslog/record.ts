import { VigilError, type Location } from '../../core/errors.js';
import type { SyslogTimestamp } from './timestamp.js';

/** One RFC 5424 SD-ELEMENT. Params stay an ordered list because RFC 5424 allows a name to repeat. */
export interface StructuredDataElement {
  id: string;
  params: Array<[name: string, value: string]>;
}

/** A syslog message in one shape for both RFCs; absent header fields (or NILVALUE `-`) are undefined. */
export interface SyslogRecord {
  format: 'rfc5424' | 'rfc3164';
  /** PRI value; undefined when the line had no `<PRI>` (files such as /var/log/auth.log). */
  priority?: number;
  facility?: number;
  severity?: number;
  /** RFC 5424 VERSION. */
  version?: number;
  timestamp?: SyslogTimestamp;
  hostname?: string;
  /** APP-NAME (RFC 5424) or TAG (RFC 3164). */
  appName?: string;
  procId?: string;
  msgId?: string;
  structuredData: StructuredDataElement[];
  /** MSG with a leading UTF-8 BOM removed. */
  message: string;
}

export const FACILITY_NAMES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5',
  'local6', 'local7',
] as const;

export const SEVERITY_NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

/** Where the caller's line sits in its source, merged into every error location. */
export interface ParseContext {
  /** 1-based line number of this message in its file or stream, for error locations. */
  line?: number;
  /** Byte offset of this message in its stream, for error locations. */
  offset?: number;
  file?: string;
}

export function syntaxError(code: string, message: string, ctx: ParseContext, column: number, field: string): VigilError {
  const location: Location = { column: column + 1, field };
  if (ctx.file !== undefined) location.file = ctx.file;
  if (ctx.line !== undefined) location.line = ctx.line;
  if (ctx.offset !== undefined) location.offset = ctx.offset;
  return new VigilError(code, `syslog: ${message} at column ${column + 1}`, location);
}

/**
 * Reads `<PRI>` at the start. Returns undefined when the line does not start with `<digit`, so RFC
 * 3164 content without PRI still parses; a started but broken PRI is an error.
 */
export function scanPri(s: string, ctx: ParseContext): { priority: number; end: number } | undefined {
  if (s[0] !== '<') return undefined;
  let i = 1;
  let v = 0;
  while (i < s.length && i <= 4) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    i++;
  }
  if (i === 1) return undefined;
  if (s[i] !== '>' || i > 4) throw syntaxError('SYSLOG_BAD_PRI', "PRI must be '<' 1 to 3 digits '>'", ctx, i, 'priority');
  if ((i > 2 && s[1] === '0') || v > 191) throw syntaxError('SYSLOG_BAD_PRI', `PRI ${s.slice(1, i)} is not between 0 and 191`, ctx, 1, 'priority');
  return { priority: v, end: i + 1 };
}

export function withPri(record: SyslogRecord, priority: number | undefined): SyslogRecord {
  if (priority === undefined) return record;
  record.priority = priority;
  record.facility = priority >> 3;
  record.severity = priority & 7;
  return record;
}

export function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}
