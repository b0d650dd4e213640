import { VigilError } from '../../core/errors.js';
import { ByteChunks } from '../byte-chunks.js';
import { JsonValueScanner, decodeUtf8, describeType, isJsonWhitespace, jsonError } from './scan.js';

export interface NdjsonOptions {
  /** Longest line (or array element) accepted, in bytes; longer ones are reported and skipped. Default 1 MiB. */
  maxLineBytes?: number;
  /** Only JSON objects are events; other values are reported. Default true. */
  requireObjects?: boolean;
  /** Accept a body that is one JSON array of values instead of lines. Default true. */
  allowArray?: boolean;
  /** Name used in error locations (a file path, or `request body`). */
  file?: string;
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/**
 * One decoded value or one reported problem; `line` is 1-based (where the value starts). `text` is the
 * JSON text the value was parsed from (the line without its line break, or the array element), so a
 * receiver can keep it instead of serializing the value again.
 */
export type NdjsonItem = { ok: true; value: unknown; line: number; text: string } | { ok: false; error: VigilError; line: number };

const LF = 0x0a;
const CR = 0x0d;

type State =
  | 'detect'
  | 'line' | 'skip-line'
  | 'arr-first' | 'arr-next' | 'arr-value' | 'arr-skip-value' | 'arr-after' | 'arr-done'
  | 'failed';

/**
 * Streaming NDJSON splitter: bytes in (any chunking), values out. Blank lines are skipped, CRLF is
 * accepted, a UTF-8 BOM at the start is dropped. A body whose first non-blank byte is `[` is read
 * as one JSON array instead, element by element, so a large array never has to be held whole.
 */
export class NdjsonDecoder {
  private readonly max: number;
  private readonly requireObjects: boolean;
  private readonly allowArray: boolean;
  private readonly file: string | undefined;
  private state: State = 'detect';
  private readonly pending = new ByteChunks();
  private line = 1;
  private itemLine = 1;
  private bomChecked = false;
  private readonly scanner = new JsonValueScanner();

  constructor(options: NdjsonOptions = {}) {
    this.max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.requireObjects = options.requireObjects ?? true;
    this.allowArray = options.allowArray ?? true;
    this.file = options.file;
  }

  push(input: Uint8Array | string): NdjsonItem[] {
    let chunk = typeof input === 'string' ? new TextEncoder().encode(input) : input;
    if (!this.bomChecked && chunk.length > 0) {
      this.bomChecked = true;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    const out: NdjsonItem[] = [];
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.state) {
        case 'detect': {
          const b = chunk[i];
          if (isJsonWhitespace(b)) {
            if (b === LF) this.line++;
            i++;
          } else if (b === 0x5b && this.allowArray) {
            this.state = 'arr-first';
            i++;
          } else {
            this.itemLine = this.line;
            this.state = 'line';
          }
          break;
        }
        case 'line':
        case 'skip-line': {
          const lf = chunk.indexOf(LF, i);
          const end = lf < 0 ? n : lf;
          if (this.state === 'line') {
            if (this.pending.size + (end - i) > this.max + 1) {
              out.push(this.fail('JSON_LINE_TOO_LONG', `line longer than the limit of ${this.max} bytes; skipped`));
              this.state = 'skip-line';
            } else {
              this.pending.append(chunk.subarray(i, end));
            }
          }
          if (lf >= 0) {
            if (this.state === 'line') this.finishLine(out);
            this.line++;
            this.itemLine = this.line;
            this.state = 'line';
            i = lf + 1;
          } else {
            i = n;
          }
          break;
        }
        case 'arr-first':
        case 'arr-next':
        case 'arr-after':
        case 'arr-done': {
          const b = chunk[i];
          if (isJsonWhitespace(b)) {
            if (b === LF) this.line++;
            i++;
          } else if (this.state === 'arr-done') {
            out.push(this.fail('JSON_TRAILING_DATA', 'unexpected data after the closing ] of the array'));
            this.state = 'failed';
          } else if (this.state === 'arr-after') {
            if (b === 0x2c) this.state = 'arr-next';
            else if (b === 0x5d) this.state = 'arr-done';
            else {
              out.push(this.fail('JSON_BAD_ARRAY', "expected ',' or ']' between array elements"));
              this.state = 'failed';
            }
            i++;
          } else if (b === 0x5d && this.state === 'arr-first') {
            this.state = 'arr-done';
            i++;
          } else if (b === 0x5d || b === 0x2c) {
            out.push(this.fail('JSON_BAD_ARRAY', 'expected an array element'));
            this.state = 'failed';
          } else {
            this.itemLine = this.line;
            this.state = 'arr-value';
          }
          break;
        }
        case 'arr-value':
        case 'arr-skip-value': {
          const end = this.scanner.scan(chunk, i, n);
          const stop = end < 0 ? n : end;
          for (let k = i; k < stop; k++) if (chunk[k] === LF) this.line++;
          if (this.state === 'arr-value') {
            if (this.pending.size + (stop - i) > this.max) {
              out.push(this.fail('JSON_LINE_TOO_LONG', `array element longer than the limit of ${this.max} bytes; skipped`));
              this.state = 'arr-skip-value';
            } else {
              this.pending.append(chunk.subarray(i, stop));
            }
          }
          if (end >= 0) {
            if (this.state === 'arr-value') this.finishValue(out);
            this.pending.clear();
            this.state = 'arr-after';
          }
          i = stop;
          break;
        }
        case 'failed':
          i = n;
          break;
      }
    }
    return out;
  }

  /** Ends the input: flushes a last line without newline and reports an unterminated array. */
  end(): NdjsonItem[] {
    const out: NdjsonItem[] = [];
    if (this.state === 'line') this.finishLine(out);
    else if (this.state === 'arr-value' && this.scanner.inScalar) {
      this.finishValue(out);
      out.push(this.fail('JSON_BAD_ARRAY', 'body ended before the closing ] of the array'));
    } else if (this.state.startsWith('arr-') && this.state !== 'arr-done') {
      out.push(this.fail('JSON_BAD_ARRAY', 'body ended before the closing ] of the array'));
    }
    this.pending.clear();
    this.scanner.reset();
    this.state = 'detect';
    return out;
  }

  private finishLine(out: NdjsonItem[]): void {
    let bytes = this.pending.concat();
    this.pending.clear();
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    let blank = true;
    for (let k = 0; k < bytes.length && blank; k++) blank = isJsonWhitespace(bytes[k]);
    if (blank) return;
    if (bytes.length > this.max) {
      out.push(this.fail('JSON_LINE_TOO_LONG', `line longer than the limit of ${this.max} bytes; skipped`));
      return;
    }
    out.push(this.decode(bytes));
  }

  private finishValue(out: NdjsonItem[]): void {
    const bytes = this.pending.concat();
    this.pending.clear();
    out.push(this.decode(bytes));
  }

  private decode(bytes: Uint8Array): NdjsonItem {
    return decodeItem(bytes, this.itemLine, this.requireObjects, this.file);
  }

  private fail(code: string, message: string): NdjsonItem {
    this.pending.clear();
    return failItem(code, message, this.itemLine, this.file);
  }
}

function location(line: number, file: string | undefined): { line: number; file?: string } {
  return file === undefined ? { line } : { line, file };
}

function failItem(code: string, message: string, line: number, file: string | undefined): NdjsonItem {
  return { ok: false, line, error: new VigilError(code, `line ${line}: ${message}`, location(line, file)) };
}

function decodeItem(bytes: Uint8Array, line: number, requireObjects: boolean, file: string | undefined): NdjsonItem {
  // The shared decoder drops a BOM at the start of each piece, as the streaming decoder always did.
  const text = decodeUtf8(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // The location and message are made only for a bad line: this runs for every event.
    return { ok: false, line, error: jsonError(err, 'JSON_BAD_LINE', `line ${line}`, location(line, file)) };
  }
  if (requireObjects && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    return { ok: false, line, error: new VigilError('JSON_NOT_OBJECT', `line ${line}: expected a JSON object, got ${describeType(value)}`, location(line, file)) };
  }
  return { ok: true, value, line, text };
}

/**
 * Splits a whole NDJSON (or JSON array) body. Gives exactly what NdjsonDecoder gives for the body in
 * one chunk; NDJSON bodies take a direct path that decodes each line straight from the body's bytes
 * (no per-line copy), array bodies go through the decoder.
 */
export function splitNdjson(body: Uint8Array | string, options: NdjsonOptions = {}): NdjsonItem[] {
  let bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  const n = bytes.length;
  let line = 1;
  let start = 0;
  for (; start < n && isJsonWhitespace(bytes[start]); start++) if (bytes[start] === LF) line++;
  if (start < n && bytes[start] === 0x5b && (options.allowArray ?? true)) {
    const decoder = new NdjsonDecoder(options);
    const out = decoder.push(bytes);
    for (const item of decoder.end()) out.push(item);
    return out;
  }
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const requireObjects = options.requireObjects ?? true;
  const file = options.file;
  const out: NdjsonItem[] = [];
  while (start < n) {
    const lf = bytes.indexOf(LF, start);
    const end = lf < 0 ? n : lf;
    // The decoder's bounds, in its order: more than max + 1 bytes (room for a CR) is too long even
    // when blank; then without the CR, blank lines are skipped and more than max bytes is too long.
    if (end - start > max + 1) {
      out.push(failItem('JSON_LINE_TOO_LONG', `line longer than the limit of ${max} bytes; skipped`, line, file));
    } else {
      const stop = end > start && bytes[end - 1] === CR ? end - 1 : end;
      let k = start;
      while (k < stop && isJsonWhitespace(bytes[k])) k++;
      if (k < stop) {
        if (stop - start > max) out.push(failItem('JSON_LINE_TOO_LONG', `line longer than the limit of ${max} bytes; skipped`, line, file));
        else out.push(decodeItem(bytes.subarray(start, stop), line, requireObjects, file));
      }
    }
    line++;
    start = end + 1;
  }
  return out;
}
