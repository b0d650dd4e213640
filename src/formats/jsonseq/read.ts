import { VigilError } from '../../core/errors.js';
import { JsonValueScanner, decodeUtf8, isJsonWhitespace, parseJsonText } from '../json/scan.js';

export interface JsonValueAt {
  value: unknown;
  /** 1-based line where the value starts. */
  line: number;
}

const DEFAULT_MAX_VALUE_BYTES = 16 * 1024 * 1024;
const LF = 0x0a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * Splits text holding JSON values one after another: JSON lines, pretty-printed objects simply
 * concatenated (as SigmaHQ's regression samples are), or one top-level array (whose items are yielded).
 * Value boundaries come from the shared streaming JsonValueScanner. A bad value is reported with its
 * line and skipped; the values around it are still read.
 */
export function* readJsonValues(input: string | Uint8Array, file = '<input>', maxValueBytes = DEFAULT_MAX_VALUE_BYTES): Generator<JsonValueAt | VigilError> {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const n = buf.length;
  const scanner = new JsonValueScanner();
  let i = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let line = 1;
  let first = true;
  const skipLine = () => {
    while (i < n && buf[i] !== LF) i++;
  };
  while (i < n) {
    const b = buf[i]!;
    if (b === LF) {
      line++;
      i++;
      continue;
    }
    if (isJsonWhitespace(b) || b === COMMA) {
      i++;
      continue;
    }
    const start = i;
    const startLine = line;
    const isFirst = first;
    first = false;
    if (b !== OPEN_BRACE && b !== OPEN_BRACKET) {
      skipLine();
      yield new VigilError('json.syntax', 'expected a JSON object', { file, line: startLine });
      continue;
    }
    const limit = Math.min(n, start + maxValueBytes + 1);
    const end = scanner.scan(buf, start, limit);
    for (let k = start; k < (end < 0 ? limit : end); k++) if (buf[k] === LF) line++;
    if (end < 0 || end - start > maxValueBytes) {
      scanner.reset();
      const tooLarge = limit < n || end - start > maxValueBytes;
      yield new VigilError('json.syntax', tooLarge ? `JSON value is larger than ${maxValueBytes} bytes` : 'JSON value is not closed before the end of input', { file, line: startLine });
      i = end < 0 ? limit : end;
      skipLine();
      continue;
    }
    i = end;
    let value: unknown;
    try {
      value = parseJsonText(decodeUtf8(buf.subarray(start, end)), 'json.syntax', 'JSON value', { file, line: startLine });
    } catch (err) {
      if (err instanceof VigilError) yield err;
      else throw err;
      continue;
    }
    if (Array.isArray(value) && isFirst) {
      for (const item of value) yield { value: item, line: startLine };
    } else yield { value, line: startLine };
  }
}
