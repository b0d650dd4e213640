export { readEvtx, readEvtxBuffer, parseEvtxBuffer, toXml, recordOffset } from './reader.js';
export type { EvtxRecord, ReadEvtxOptions, EvtxSummary } from './reader.js';
export { EvtxIssue, EvtxCode } from './issues.js';
export type { EvtxIssueSeverity, IssueSink } from './issues.js';
export type { FileHeader } from './chunk.js';
