export { NdjsonDecoder, splitNdjson, DEFAULT_MAX_LINE_BYTES, type NdjsonItem, type NdjsonOptions } from './ndjson.js';
export { parseBulk, esErrorType, type BulkAction, type BulkItem, type BulkItemError, type BulkParseOptions } from './esbulk.js';
export {
  buildBulkResponse, bulkErrorResponse, acceptedResult, rejectedResult, parseErrorResult,
  type BulkItemResult, type BulkResponse, type BulkResponseItem,
} from './esbulk-response.js';
export { parseHecEvents, parseHecRaw, hecResponse, HEC_CODES, type HecEvent, type HecError, type HecMetadata, type HecOptions, type HecResult } from './hec.js';
export { JsonValueScanner } from './scan.js';
