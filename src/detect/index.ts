export { DetectionStage, type DetectionStageOptions, type DetectionStats } from './stage.js';
export { RuleRuntime } from './runtime.js';
export { DEFAULT_GROUP_WINDOW_MS, writeAlert, type WrittenAlert } from './alert-writer.js';
export type { DetectedAlert, LoadReport, Matcher, RuleLoadError, StageEvent } from './types.js';
