import { VigilError } from '../../core/errors.js';
import { scanPri, type ParseContext, type SyslogRecord } from './record.js';
import { looksLikeRfc5424, parseRfc5424 } from './rfc5424.js';
import { parseRfc3164 } from './rfc3164.js';
import { DEFAULT_MAX_FUTURE_MS, zoneResolver } from './timestamp.js';

export interface SyslogParseOptions {
  /** Reference instant for the year of RFC 3164 timestamps (which have none). Default: Date.now() at each call. */
  now?: number | Date;
  /** Zone of timestamps written without offset: `UTC` (default), `+02:00`, or an IANA name. */
  timeZone?: string;
  /** How far in the future a year-less timestamp may land before it is read as last year's. Default 1 day. */
  maxFutureMs?: number;
  /** Longest accepted message, in bytes for byte input and UTF-16 units for strings. Default 64 KiB. */
  maxLength?: number;
  /** Reject non-conformant RFC 5424 STRUCTURED-DATA instead of keeping it as MSG. Default false. */
  strictStructuredData?: boolean;
}

export const DEFAULT_MAX_SYSLOG_LENGTH = 64 * 1024;

const utf8 = new TextDecoder('utf-8');

/** A parser with its options resolved once (zone lookup, limits), for hot ingest paths. */
export type SyslogParser = (line: string | Uint8Array, ctx?: ParseContext) => SyslogRecord;

export function createSyslogParser(options: SyslogParseOptions = {}): SyslogParser {
  const zone = zoneResolver(options.timeZone ?? 'UTC');
  const maxLength = options.maxLength ?? DEFAULT_MAX_SYSLOG_LENGTH;
  const maxFutureMs = options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
  const fixedNow = options.now === undefined ? undefined : Number(options.now);
  const strict = options.strictStructuredData ?? false;
  return (input, ctx = {}) => {
    const size = typeof input === 'string' ? input.length : input.byteLength;
    if (size > maxLength) {
      throw new VigilError('SYSLOG_TOO_LONG', `syslog: message of ${size} exceeds the limit of ${maxLength}`, { ...ctx, field: 'message' });
    }
    let line = typeof input === 'string' ? input : utf8.decode(input);
    let end = line.length;
    while (end > 0 && (line[end - 1] === '\n' || line[end - 1] === '\r' || line[end - 1] === '\0')) end--;
    if (end !== line.length) line = line.slice(0, end);
    const pri = scanPri(line, ctx);
    if (pri && looksLikeRfc5424(line, pri.end)) {
      return parseRfc5424(line, { ...ctx, zone, strictStructuredData: strict });
    }
    const now = fixedNow ?? Date.now();
    return parseRfc3164(line, { ...ctx, zone, years: { now, maxFutureMs } });
  };
}

/**
 * Parses one syslog message, RFC 5424 (`<PRI>1 ...`) or RFC 3164/BSD (everything else, including
 * lines without PRI as written to /var/log files). Trailing CR, LF and NUL are ignored.
 */
export function parseSyslog(line: string | Uint8Array, options: SyslogParseOptions & ParseContext = {}): SyslogRecord {
  const { line: lineNo, offset, file, ...parseOptions } = options;
  const ctx: ParseContext = {};
  if (lineNo !== undefined) ctx.line = lineNo;
  if (offset !== undefined) ctx.offset = offset;
  if (file !== undefined) ctx.file = file;
  return createSyslogParser(parseOptions)(line, ctx);
}
