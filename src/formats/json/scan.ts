import { VigilError, type Location } from '../../core/errors.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

export function isJsonWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * Finds where one JSON value ends in a byte stream, resumable across chunks, in one linear pass:
 * it tracks only string/escape state and bracket depth. Validation is left to JSON.parse on the
 * slice it delimits. UTF-8 continuation bytes never equal an ASCII delimiter, so bytes are safe.
 */
export class JsonValueScanner {
  private mode: 'none' | 'container' | 'string' | 'scalar' = 'none';
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** True while a value has started but not ended. */
  get active(): boolean {
    return this.mode !== 'none';
  }

  /** True if the value in progress is a bare number/literal, which only a delimiter or the end can close. */
  get inScalar(): boolean {
    return this.mode === 'scalar';
  }

  reset(): void {
    this.mode = 'none';
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }

  /**
   * Scans buf[from..to). Returns the index just past the value's last byte (for a scalar: the index
   * of the delimiter after it), or -1 when the value continues beyond `to`.
   */
  scan(buf: Uint8Array, from: number, to: number = buf.length): number {
    let i = from;
    if (this.mode === 'none') {
      if (i >= to) return -1;
      const b = buf[i];
      if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        this.mode = 'container';
        this.depth = 1;
      } else if (b === QUOTE) {
        this.mode = 'string';
        this.inString = true;
      } else {
        this.mode = 'scalar';
      }
      i++;
    }
    if (this.mode === 'scalar') {
      for (; i < to; i++) {
        const b = buf[i];
        if (isJsonWhitespace(b) || b === COMMA || b === CLOSE_BRACKET || b === CLOSE_BRACE || b === OPEN_BRACE || b === OPEN_BRACKET || b === QUOTE) {
          this.reset();
          return i;
        }
      }
      return -1;
    }
    for (; i < to; i++) {
      const b = buf[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) {
          this.inString = false;
          if (this.mode === 'string') {
            this.reset();
            return i + 1;
          }
        }
        continue;
      }
      if (b === QUOTE) this.inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) {
          this.reset();
          return i + 1;
        }
      }
    }
    return -1;
  }
}

const utf8 = new TextDecoder('utf-8');

export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/**
 * JSON.parse with an error that never quotes the input: V8's SyntaxError messages embed a slice
 * of the text (`Unexpected token 'a', "abc..." is not valid JSON`), which may be a secret.
 */
export function parseJsonText(text: string, code: string, what: string, location: Location): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw jsonError(err, code, what, location);
  }
}

/** The VigilError for a JSON.parse failure (see parseJsonText), for callers that build its location only on failure. */
export function jsonError(err: unknown, code: string, what: string, location: Location): VigilError {
  const raw = err instanceof Error ? err.message : '';
  let safe = raw.split(/['"]/)[0].trimEnd();
  while (safe.endsWith(',')) safe = safe.slice(0, -1).trimEnd();
  const pos = /at position (\d+)/.exec(raw);
  const loc: Location = { ...location };
  if (pos && loc.column === undefined) loc.column = Number(pos[1]) + 1;
  return new VigilError(code, `${what}: invalid JSON${safe ? ` (${safe})` : ''}`, loc);
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Bytes of a body given as text or bytes; a leading UTF-8 BOM is dropped. */
export function bodyBytes(body: string | Uint8Array): Uint8Array {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3);
  return bytes;
}
