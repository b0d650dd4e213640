export { Detector, DEFAULT_GROUP_WINDOW_MS, type DetectableEvent, type DetectionOutcome, type DetectorOptions, type Matcher } from './detector.js';
export { DetectionStage, type DetectionStageOptions, type DetectionStats } from './stage.js';
export { RuleRuntime } from './runtime.js';
export { writeAlert, type WrittenAlert } from './alert-writer.js';
export type { DetectedAlert, LoadReport, RuleLoadError, StageEvent } from './types.js';
