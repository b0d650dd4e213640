/** Shapes shared by the detection stage (main thread) and its worker; all structured-clone safe. */
import type { EventObject, LogSource } from '../core/event.js';
import type { EcsCore } from '../formats/profiles/types.js';
import type { CorrelationOptions } from '../sigma/correlation/types.js';
import type { LoadOptions } from '../sigma/loader/load.js';
import type { MatchOptions, RuleMatch } from '../sigma/engine/types.js';
import type { AlertKind, EventJson } from '../storage/ports.js';

/** A committed event handed to detection. */
export interface StageEvent {
  id: number;
  core: EcsCore;
  logsource: LogSource;
  original: EventObject;
  /** Epoch ms the bytes arrived: receipt-to-alert latency starts here. */
  receivedAt: number;
  /** Its JSON text, when ingest made it: then the batch goes to the worker as one string (see encodeBatch). */
  json?: EventJson;
}

/** One alert occurrence found by the worker, before grouping (which the main thread does against the store). */
export interface DetectedAlert {
  kind: AlertKind;
  ruleId: string;
  title: string;
  level: string | null;
  tags: string[];
  author: string | null;
  /** The matching event, or a correlation's contributing events (oldest first, bounded). */
  eventIds: number[];
  hostName: string | null;
  userName: string | null;
  fields: { field: string; value: string }[];
  /** host.name for matches; the group-by values (JSON) for correlations. */
  groupKey: string | null;
  group?: Record<string, string>;
  /** Occurrences: matches of one rule and group key in one batch are sent as one. */
  count: number;
}

/** A rule problem, located: as `vigil rules check` prints it. */
export interface RuleLoadError {
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  field?: string;
}

export interface LoadReport {
  /** Rules (detection and correlation) that loaded. */
  loaded: number;
  files: number;
  /** Correlation rules that run. */
  correlations: number;
  errors: RuleLoadError[];
  /** Whether the stage now detects with this rule set (false: the previous set stays). */
  applied: boolean;
}

export interface RuntimeOptions {
  load?: LoadOptions;
  correlation?: CorrelationOptions;
  /** How often (wall ms) correlation windows are closed with the stream's watermark. Default 1,000. */
  flushIntervalMs?: number;
}

export interface WorkerInit {
  paths: string[];
  options: RuntimeOptions;
}

export type ToWorker =
  /** `json` (from encodeBatch) when every event carried its JSON text, else `events` (structured clone). */
  | { type: 'detect'; seq: number; events?: StageEvent[]; json?: string }
  /** Idle stream: lets correlation windows close as wall time passes. */
  | { type: 'tick'; seq: number };

export type FromWorker =
  | { type: 'ready'; report: Omit<LoadReport, 'applied'> }
  | { type: 'result'; seq: number; alerts: DetectedAlert[]; failures: number };

/** What detection needs of a rule engine (AutoEngine, SigmaEngine fit). */
export interface Matcher {
  match(event: EventObject, options?: MatchOptions): RuleMatch[];
}
