/**
 * Windows EVTX reader, pure TypeScript: file and chunk headers (CRC32 mismatches are warnings),
 * string and template tables, the full BinXML token set and every substitution value type.
 * `readEvtx` streams a file chunk by chunk; `readEvtxBuffer`/`parseEvtxBuffer` read a buffer.
 * Records carry `event` in the Rust `evtx` JSON layout; `toXml` prints libevtx-style XML.
 */
export { readEvtx, readEvtxBuffer, parseEvtxBuffer, toXml, recordOffset } from './reader.js';
export type { EvtxRecord, ReadEvtxOptions, EvtxSummary } from './reader.js';
export { EvtxIssue, EvtxCode } from './issues.js';
export type { EvtxIssueSeverity, IssueSink } from './issues.js';
export { chunkTables, CHUNK_SIZE, FILE_HEADER_SIZE } from './chunk.js';
export type { FileHeader, ChunkTables } from './chunk.js';
