import { VigilError } from '../../core/errors.js';
import type { ProfileInput } from '../../formats/profiles/types.js';
import type { ParseContext, SyslogParser } from '../../formats/syslog/index.js';

const utf8 = new TextDecoder('utf-8');

export interface ReadMessage {
  input: ProfileInput;
  /** False when the bytes were not syslog: the input then carries the text and the parse error. */
  parsed: boolean;
}

function trimEnd(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === '\n' || s[end - 1] === '\r' || s[end - 1] === '\0')) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** `address:port` of a socket peer, with IPv6 addresses in brackets so the port stays readable. */
export function peerAddress(address: string | undefined, port: number | undefined): string | undefined {
  if (!address) return undefined;
  const host = address.includes(':') ? `[${address}]` : address;
  return port === undefined ? host : `${host}:${port}`;
}

/**
 * One datagram or frame -> one input. A message that does not parse is kept, as a JSON event whose
 * `message` is the text and whose `error` says why (ECS `error.code` / `error.message`), so an
 * analyst finds it and sees what was wrong; nothing is dropped for being malformed.
 */
export function readMessage(parse: SyslogParser, bytes: Uint8Array, ctx: ParseContext, peer?: string): ReadMessage {
  const text = trimEnd(utf8.decode(bytes));
  const transport = peer === undefined ? undefined : { peer };
  try {
    return { input: { kind: 'syslog', record: parse(text, ctx), text, ...(transport && { transport }) }, parsed: true };
  } catch (err) {
    const error = err instanceof VigilError
      ? { code: err.code, message: err.message }
      : { code: 'SYSLOG_PARSE_FAILED', message: err instanceof Error ? err.message : String(err) };
    return { input: { kind: 'json', value: { message: text, error }, ...(transport && { transport }) }, parsed: false };
  }
}
