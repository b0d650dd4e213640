export { Detector, DEFAULT_GROUP_WINDOW_MS, type DetectableEvent, type DetectionOutcome, type DetectorOptions, type Matcher } from './detector.js';
