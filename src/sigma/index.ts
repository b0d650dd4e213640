/** Public API of the Sigma library: load rules, compile them for a pipeline, match events, correlate. */
export { loadRules, loadRulesFromText, findRuleFiles, type RuleSet, type LoadOptions } from './loader/load.js';
export { loadRulesCached, loadRuleSetBytes, encodeRuleSet, decodeRuleSet, ruleCacheDir, type RuleCacheOptions, type RuleCacheReport } from './loader/cache.js';
export { loadPipeline, builtinPipelineNames, parsePipelineFile } from './pipeline/load.js';
export type { Pipeline } from './pipeline/types.js';
export { SigmaEngine, type EngineOptions } from './engine/engine.js';
export type { RuleMatch, MatchOptions, EngineStats } from './engine/types.js';
export { MODIFIERS } from './model/modifiers.js';
export type * from './model/types.js';
export { AutoEngine, pipelineForEvent } from './engine/auto.js';
export { CorrelationEngine, type CorrelationAlert } from './correlation/index.js';
export { eventTimeMs } from './event-time.js';
