import { VigilError } from '../../core/errors.js';

export interface JsonValueAt {
  value: unknown;
  /** 1-based line where the value starts. */
  line: number;
}

const DEFAULT_MAX_VALUE_BYTES = 16 * 1024 * 1024;

/**
 * Splits text holding JSON values one after another: JSON lines, pretty-printed objects simply
 * concatenated (as SigmaHQ's regression samples are), or one top-level array (whose items are yielded).
 * A bad value is reported with its line and skipped; the values around it are still read.
 */
export function* readJsonValues(text: string, file = '<input>', maxValueBytes = DEFAULT_MAX_VALUE_BYTES): Generator<JsonValueAt | VigilError> {
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 0xfeff || c === 44) {
      i++;
      continue;
    }
    const start = i;
    const startLine = line;
    if (c !== 123 && c !== 91) {
      // Not an object or array: skip to the end of the line and report it.
      while (i < n && text.charCodeAt(i) !== 10) i++;
      yield new VigilError('json.syntax', 'expected a JSON object', { file, line: startLine });
      continue;
    }
    let depth = 0;
    let inString = false;
    for (; i < n; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) line++;
      if (inString) {
        if (ch === 92) i++;
        else if (ch === 34) inString = false;
      } else if (ch === 34) inString = true;
      else if (ch === 123 || ch === 91) depth++;
      else if (ch === 125 || ch === 93) {
        if (--depth === 0) {
          i++;
          break;
        }
      }
      if (i - start > maxValueBytes) break;
    }
    const slice = text.slice(start, i);
    if (depth !== 0 || slice.length > maxValueBytes) {
      yield new VigilError('json.syntax', depth !== 0 ? 'JSON value is not closed before the end of input' : `JSON value is larger than ${maxValueBytes} bytes`, { file, line: startLine });
      while (i < n && text.charCodeAt(i) !== 10) i++;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(slice);
    } catch (err) {
      yield new VigilError('json.syntax', `invalid JSON: ${(err as Error).message}`, { file, line: startLine }, { cause: err });
      continue;
    }
    if (Array.isArray(value) && start === firstNonSpace(text)) {
      for (const item of value) yield { value: item, line: startLine };
    } else yield { value, line: startLine };
  }
}

function firstNonSpace(text: string): number {
  let i = 0;
  while (i < text.length && /\s|\ufeff/.test(text[i]!)) i++;
  return i;
}
