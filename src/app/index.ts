export { startVigil, ensureAdminToken, defaultRulePaths, DEFAULT_HOST, DEFAULT_PORT, type RunningVigil, type ServeOptions } from './start.js';
export { SyncDetectionStage, type SyncDetectionOptions } from './ingest.js';
