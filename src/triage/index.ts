export { TriageService, type TriageDeps, type TriageActor } from './service.js';
export { TriageError, type TriageErrorKind } from './errors.js';
export { TRANSITIONS, plan, type TriageChange } from './workflow.js';
export { parseChange, parseBulk, parseStatus, MAX_BULK, MAX_REASON } from './input.js';
export { SocMetrics, SOC_GROUP_BY, type SocQuery, type SocReport } from './soc.js';
export { DEFAULT_SLA, SLA_SEVERITIES, slaTargets, type SlaTargets, type SlaTarget, type SlaSeverity } from './sla.js';
