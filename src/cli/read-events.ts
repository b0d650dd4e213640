import { readFileSync } from 'node:fs';
import type { EventObject } from '../core/event.js';
import { VigilError } from '../core/errors.js';
import { readJsonValues } from '../formats/jsonseq/read.js';

export interface EventAt {
  event: EventObject;
  file: string;
  /** Line (JSON) or record number (EVTX). */
  line: number;
}

const MAX_JSON_FILE_BYTES = 512 * 1024 * 1024;

/** Reads JSON events (JSON lines, concatenated JSON or an array) from a file; bad values are reported, not fatal. */
export function* readJsonEvents(file: string, onError: (err: VigilError) => void): Generator<EventAt> {
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (err) {
    throw new VigilError('input.unreadable', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { file }, { cause: err });
  }
  if (text.length > MAX_JSON_FILE_BYTES) throw new VigilError('input.too_large', `file is larger than ${MAX_JSON_FILE_BYTES} bytes`, { file });
  for (const item of readJsonValues(text, file)) {
    if (item instanceof VigilError) onError(item);
    else if (item.value && typeof item.value === 'object' && !Array.isArray(item.value)) yield { event: item.value as EventObject, file, line: item.line };
    else onError(new VigilError('input.not_object', 'expected a JSON object', { file, line: item.line }));
  }
}
