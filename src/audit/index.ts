export { AuditLog, SYSTEM_ACTOR, type RecordOptions } from './log.js';
export { chainHash, verifyChain, type ChainBreak, type VerifyResult } from './chain.js';
export { canonicalJson } from './canonical.js';
export { redact, REDACTED } from './redact.js';
