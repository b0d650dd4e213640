export { CorrelationEngine } from './engine.js';
export { conditionHolds, describeCondition, isDeferred } from './condition.js';
export type { CorrelationAlert, CorrelationOptions, CorrelationStats, MatchRef } from './types.js';
