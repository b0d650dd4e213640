import { VigilError } from '../../core/errors.js';
import type { EventObject } from '../../core/event.js';
import { decodeUtf8, describeType, isJsonWhitespace, isPlainObject, parseJsonText, bodyBytes } from './scan.js';

export type BulkAction = 'index' | 'create' | 'update' | 'delete';

const ACTIONS: readonly BulkAction[] = ['index', 'create', 'update', 'delete'];

/** An item-level problem; the rest of the request still goes through, as in Elasticsearch. */
export interface BulkItemError {
  /** Elasticsearch exception type, e.g. `document_parsing_exception`. */
  type: string;
  reason: string;
  status: number;
}

/** One operation of a `_bulk` body: the action line's metadata plus its source line. */
export interface BulkItem {
  action: BulkAction;
  /** `_index` of the action line, else the index from the URL path. */
  index: string;
  /** `_id` if the client gave one (Elasticsearch generates one otherwise). */
  id?: string;
  /** The document (index/create), the update body with `doc`/`script` (update); absent for delete. */
  source?: EventObject;
  /** The source line's text, as parsed into `source`. */
  sourceText?: string;
  /** Remaining action metadata (`routing`, `pipeline`, `if_seq_no`, ...), kept for the caller. */
  meta: Record<string, unknown>;
  /** 1-based line number of the action line. */
  line: number;
  error?: BulkItemError;
}

export interface BulkParseOptions {
  /** Index from the request path (`POST /logs-x/_bulk`), used when an action line has no `_index`. */
  defaultIndex?: string;
  /** Longest line accepted, in bytes. Default 16 MiB (the whole body is bounded by the HTTP layer). */
  maxLineBytes?: number;
  /** Most operations accepted in one request. Default 100,000. */
  maxItems?: number;
}

const LF = 0x0a;

/**
 * Parses an Elasticsearch `_bulk` NDJSON body. Problems with action lines, or an empty body, fail
 * the whole request (Elasticsearch answers 400 then, see bulkErrorResponse); a bad document only
 * fails its own item.
 */
export function parseBulk(body: string | Uint8Array, options: BulkParseOptions = {}): BulkItem[] {
  const bytes = bodyBytes(body);
  const maxLine = options.maxLineBytes ?? 16 * 1024 * 1024;
  const maxItems = options.maxItems ?? 100_000;
  const items: BulkItem[] = [];
  let pos = 0;
  let lineNo = 0;
  const nextLine = (): { text: string; line: number } | undefined => {
    if (pos >= bytes.length) return undefined;
    let end = bytes.indexOf(LF, pos);
    if (end < 0) end = bytes.length;
    lineNo++;
    let stop = end;
    if (stop > pos && bytes[stop - 1] === 0x0d) stop--;
    if (stop - pos > maxLine) {
      throw requestError('ES_BULK_LINE_TOO_LONG', `line ${lineNo} is longer than the limit of ${maxLine} bytes`, lineNo);
    }
    const text = decodeUtf8(bytes.subarray(pos, stop));
    pos = end + 1;
    return { text, line: lineNo };
  };

  for (let next = nextLine(); next; next = nextLine()) {
    if (isBlank(next.text)) continue;
    if (items.length >= maxItems) {
      throw requestError('ES_BULK_TOO_MANY', `more than ${maxItems} operations in one request`, next.line);
    }
    const item = parseActionLine(next.text, next.line, options.defaultIndex);
    if (item.action !== 'delete') {
      const src = nextLine();
      if (!src) {
        throw requestError('ES_BULK_MISSING_SOURCE', `the ${item.action} action on line ${item.line} has no source line`, item.line);
      }
      readSource(item, src.text, src.line);
    }
    items.push(item);
  }
  if (items.length === 0) {
    throw requestError('ES_BULK_EMPTY', 'Validation Failed: 1: no requests added;', 1);
  }
  return items;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isJsonWhitespace(text.charCodeAt(i))) return false;
  return true;
}

function parseActionLine(text: string, line: number, defaultIndex: string | undefined): BulkItem {
  const parsed = parseJsonText(text, 'ES_BULK_BAD_ACTION_JSON', `Malformed action/metadata line [${line}]`, { line });
  if (!isPlainObject(parsed)) {
    throw requestError('ES_BULK_BAD_ACTION', `Malformed action/metadata line [${line}], expected START_OBJECT but found ${describeType(parsed)}`, line);
  }
  const keys = Object.keys(parsed);
  const action = keys[0] as BulkAction;
  if (keys.length !== 1 || !ACTIONS.includes(action)) {
    throw requestError('ES_BULK_BAD_ACTION',
      `Malformed action/metadata line [${line}], expected one of [${ACTIONS.join(', ')}] but found [${keys.length === 1 ? keys[0].slice(0, 64) : keys.length + ' keys'}]`, line);
  }
  const metaValue = parsed[action];
  if (!isPlainObject(metaValue)) {
    throw requestError('ES_BULK_BAD_ACTION', `Malformed action/metadata line [${line}], expected an object under "${action}"`, line, action);
  }
  const { _index, _id, ...meta } = metaValue;
  const index = typeof _index === 'string' && _index !== '' ? _index : defaultIndex;
  if (index === undefined) {
    throw requestError('ES_BULK_NO_INDEX', `Validation Failed: 1: index is missing (line ${line});`, line, `${action}._index`);
  }
  const item: BulkItem = { action, index, meta, line };
  if (typeof _id === 'string' && _id !== '') item.id = _id;
  else if (typeof _id === 'number') item.id = String(_id);
  else if (action !== 'index' && action !== 'create') {
    throw requestError('ES_BULK_NO_ID', `Validation Failed: 1: id is missing for ${action} (line ${line});`, line, `${action}._id`);
  }
  return item;
}

function readSource(item: BulkItem, text: string, line: number): void {
  if (isBlank(text)) {
    item.error = { type: 'document_parsing_exception', reason: `[${line}:1] failed to parse: document is empty`, status: 400 };
    return;
  }
  let source: unknown;
  try {
    source = parseJsonText(text, 'ES_BULK_BAD_SOURCE', `line ${line}`, { line });
  } catch (err) {
    const reason = err instanceof VigilError ? err.message : 'invalid JSON';
    item.error = { type: 'document_parsing_exception', reason: `[${line}:1] failed to parse: ${reason}`, status: 400 };
    return;
  }
  if (!isPlainObject(source)) {
    item.error = { type: 'document_parsing_exception', reason: `[${line}:1] failed to parse: expected an object, got ${describeType(source)}`, status: 400 };
    return;
  }
  item.source = source;
  item.sourceText = text;
}

/** The Elasticsearch exception type a client expects for each request-level error code. */
const ES_TYPES: Record<string, string> = {
  ES_BULK_BAD_ACTION_JSON: 'x_content_parse_exception',
  ES_BULK_EMPTY: 'action_request_validation_exception',
  ES_BULK_NO_INDEX: 'action_request_validation_exception',
  ES_BULK_NO_ID: 'action_request_validation_exception',
};

function requestError(code: string, message: string, line: number, field?: string): VigilError {
  return new VigilError(code, message, field === undefined ? { line } : { line, field });
}

/** The Elasticsearch exception type for an error thrown by parseBulk. */
export function esErrorType(err: VigilError): string {
  return ES_TYPES[err.code] ?? 'illegal_argument_exception';
}
