import { VigilError } from '../../core/errors.js';
import { JsonValueScanner, bodyBytes, decodeUtf8, isJsonWhitespace, isPlainObject, parseJsonText } from './scan.js';

/** Splunk HEC status codes with their HTTP status and fixed text, as Splunk clients expect them. */
export const HEC_CODES = {
  success: { code: 0, status: 200, text: 'Success' },
  noData: { code: 5, status: 400, text: 'No data' },
  invalidDataFormat: { code: 6, status: 400, text: 'Invalid data format' },
  incorrectIndex: { code: 7, status: 400, text: 'Incorrect index' },
  serverBusy: { code: 9, status: 503, text: 'Server is busy' },
  eventRequired: { code: 12, status: 400, text: 'Event field is required' },
  eventBlank: { code: 13, status: 400, text: 'Event field cannot be blank' },
  indexedFields: { code: 15, status: 400, text: 'Error in handling indexed fields' },
} as const;

/** Per-request metadata: query-string or token defaults, overridden per event. */
export interface HecMetadata {
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
}

export interface HecEvent extends HecMetadata {
  /** A string or any JSON value; `/raw` events are the line text. */
  event: unknown;
  /** Epoch milliseconds, from HEC `time` (epoch seconds with fraction). */
  time?: number;
  /** HEC indexed fields. */
  fields?: Record<string, unknown>;
  /** 0-based position in the body, the number Splunk reports as `invalid-event-number`. */
  number: number;
  /** The event object's exact text in the body (`/event` with `keepText`), for keeping it byte for byte. */
  text?: string;
}

export interface HecError {
  status: number;
  code: number;
  text: string;
  invalidEventNumber?: number;
  /** Why, with a location, for logs; never sent to the client. */
  detail: VigilError;
}

/** Events before the first invalid one are accepted, as Splunk does; `error` says where it stopped. */
export interface HecResult {
  events: HecEvent[];
  error?: HecError;
}

export interface HecOptions {
  defaults?: HecMetadata;
  /** Longest event (JSON object or raw line), in bytes. Default 1 MiB. */
  maxEventBytes?: number;
  /** Most events in one request. Default 100,000. */
  maxEvents?: number;
  /** `/event`: keep each object's exact text as `text` (it is decoded anyway, so this costs nothing). */
  keepText?: boolean;
}

const META_KEYS = ['host', 'source', 'sourcetype', 'index'] as const;

function hecError(kind: keyof typeof HEC_CODES, detail: string, number?: number, field?: string): HecError {
  const { code, status, text } = HEC_CODES[kind];
  const location = field === undefined ? {} : { field };
  const err: HecError = { code, status, text, detail: new VigilError(`HEC_${kind.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()}`, detail, location) };
  if (number !== undefined) err.invalidEventNumber = number;
  return err;
}

/**
 * Parses a `/services/collector/event` body: JSON objects one after another, with or without
 * whitespace between (Splunk does not require newlines). Each needs `event`; `time`, `host`,
 * `source`, `sourcetype`, `index` and `fields` are optional.
 */
export function parseHecEvents(body: string | Uint8Array, options: HecOptions = {}): HecResult {
  const bytes = bodyBytes(body);
  const maxBytes = options.maxEventBytes ?? 1024 * 1024;
  const maxEvents = options.maxEvents ?? 100_000;
  const events: HecEvent[] = [];
  const scanner = new JsonValueScanner();
  let pos = 0;
  for (;;) {
    while (pos < bytes.length && isJsonWhitespace(bytes[pos])) pos++;
    if (pos >= bytes.length) break;
    const number = events.length;
    if (number >= maxEvents) return { events, error: hecError('serverBusy', `more than ${maxEvents} events in one request`, number) };
    if (bytes[pos] !== 0x7b) return { events, error: hecError('invalidDataFormat', `event ${number} at byte ${pos} is not a JSON object`, number) };
    const end = scanner.scan(bytes, pos, Math.min(bytes.length, pos + maxBytes + 1));
    if (end < 0) {
      scanner.reset();
      const why = bytes.length - pos > maxBytes ? `longer than the limit of ${maxBytes} bytes` : 'truncated';
      return { events, error: hecError('invalidDataFormat', `event ${number} at byte ${pos} is ${why}`, number) };
    }
    let obj: unknown;
    const text = decodeUtf8(bytes.subarray(pos, end));
    try {
      obj = parseJsonText(text, 'HEC_INVALID_DATA_FORMAT', `event ${number}`, { offset: pos });
    } catch (err) {
      return { events, error: { ...hecError('invalidDataFormat', '', number), detail: err as VigilError } };
    }
    const checked = toHecEvent(obj as Record<string, unknown>, number, options.defaults);
    if ('code' in checked) return { events, error: checked };
    if (options.keepText) checked.text = text;
    events.push(checked);
    pos = end;
  }
  if (events.length === 0) return { events, error: hecError('noData', 'the request body has no events') };
  return { events };
}

function toHecEvent(obj: Record<string, unknown>, number: number, defaults: HecMetadata | undefined): HecEvent | HecError {
  if (!Object.prototype.hasOwnProperty.call(obj, 'event')) return hecError('eventRequired', `event ${number} has no "event" field`, number, 'event');
  const event = obj.event;
  if (event === null || event === '' || event === undefined) return hecError('eventBlank', `event ${number} has a blank "event" field`, number, 'event');
  const out: HecEvent = { event, number, ...defaults };
  for (const key of META_KEYS) {
    const v = obj[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') return hecError('invalidDataFormat', `event ${number}: "${key}" must be a string`, number, key);
    if (key === 'index' && v === '') return hecError('incorrectIndex', `event ${number}: "index" is empty`, number, key);
    out[key] = v;
  }
  if (obj.time !== undefined && obj.time !== null) {
    const seconds = typeof obj.time === 'number' ? obj.time : typeof obj.time === 'string' && obj.time.trim() !== '' ? Number(obj.time) : NaN;
    if (!Number.isFinite(seconds) || seconds < 0) return hecError('invalidDataFormat', `event ${number}: "time" must be epoch seconds`, number, 'time');
    out.time = Math.round(seconds * 1000);
  }
  if (obj.fields !== undefined && obj.fields !== null) {
    if (!isPlainObject(obj.fields)) return hecError('indexedFields', `event ${number}: "fields" must be an object`, number, 'fields');
    for (const [k, v] of Object.entries(obj.fields)) {
      const flat = (x: unknown): boolean => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
      if (!flat(v) && !(Array.isArray(v) && v.every(flat))) return hecError('indexedFields', `event ${number}: indexed field "${k.slice(0, 64)}" must be a string, number or array of them`, number, `fields.${k.slice(0, 64)}`);
    }
    out.fields = obj.fields;
  }
  return out;
}

/**
 * Parses a `/services/collector/raw` body: one event per line (LF or CRLF), blank lines skipped.
 * Metadata comes from the query string / token (options.defaults).
 */
export function parseHecRaw(body: string | Uint8Array, options: HecOptions = {}): HecResult {
  const bytes = bodyBytes(body);
  const maxBytes = options.maxEventBytes ?? 1024 * 1024;
  const maxEvents = options.maxEvents ?? 100_000;
  const events: HecEvent[] = [];
  let pos = 0;
  let line = 0;
  while (pos < bytes.length) {
    let end = bytes.indexOf(0x0a, pos);
    if (end < 0) end = bytes.length;
    line++;
    let stop = end;
    if (stop > pos && bytes[stop - 1] === 0x0d) stop--;
    const start = pos;
    pos = end + 1;
    let blank = true;
    for (let k = start; k < stop && blank; k++) blank = isJsonWhitespace(bytes[k]);
    if (blank) continue;
    const number = events.length;
    if (number >= maxEvents) return { events, error: hecError('serverBusy', `more than ${maxEvents} events in one request`, number) };
    if (stop - start > maxBytes) {
      const error = hecError('invalidDataFormat', `line ${line} is longer than the limit of ${maxBytes} bytes`, number);
      error.detail.location.line = line;
      return { events, error };
    }
    events.push({ event: decodeUtf8(bytes.subarray(start, stop)), number, ...options.defaults });
  }
  if (events.length === 0) return { events, error: hecError('noData', 'the request body has no events') };
  return { events };
}

/** The HTTP status and JSON body Splunk sends for a result (`{"text":"Success","code":0}` when it had no error). */
export function hecResponse(result: HecResult): { status: number; body: { text: string; code: number; 'invalid-event-number'?: number } } {
  if (!result.error) return { status: 200, body: { text: HEC_CODES.success.text, code: 0 } };
  const { status, text, code, invalidEventNumber } = result.error;
  return { status, body: invalidEventNumber === undefined ? { text, code } : { text, code, 'invalid-event-number': invalidEventNumber } };
}
