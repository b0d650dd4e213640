import type { EventObject } from '../../core/event.js';
import type { TimelineRow } from './rows.js';

/** What each worker is started with (workerData). */
export interface WorkerConfig {
  /** The rule set, parsed once by the main thread (encodeRuleSet), so no worker parses YAML. */
  ruleBytes: Uint8Array;
  /** 'auto' or a pipeline name / file. */
  pipeline: string;
  /** Only one worker reports rule load errors and sends the rule stubs the correlation pass needs. */
  primary: boolean;
}

export type ToWorker = { type: 'file'; fileIndex: number; file: string } | { type: 'stop' };

/** A base-rule match feeding a correlation: what the main thread's correlation pass needs. */
export interface CorrelationInput {
  /** Index of the rule in the (identically ordered) rule set every worker loads. */
  rule: number;
  ruleId: string;
  title: string;
  /** Shared by the matches of one event (one message keeps the identity the correlation engine relies on). */
  event: EventObject;
  /** The event's values of every field a correlation reads (group-by, aliases, value fields). */
  values: Map<string, unknown>;
  recordId?: string;
}

/** One rule match, in file order (`seq`), with its row when it is an alert of its own. */
export interface MatchItem {
  seq: number;
  timeMs?: number;
  row?: TimelineRow;
  corr?: CorrelationInput;
}

/** A file that gave nothing: no readable events (only damaged ones), or it could not be read at all. */
export type FileFailure = { kind: 'no-events' } | { kind: 'unreadable'; message: string };

export type FromWorker =
  | { type: 'ready'; rules: number; errors: string[]; stubs?: unknown[] }
  /** `records`: records read since the previous message from this worker. */
  | { type: 'matches'; fileIndex: number; items: MatchItem[]; records: number }
  | { type: 'file'; fileIndex: number; items: MatchItem[]; records: number; issues: string[]; failure?: FileFailure }
  | { type: 'done'; compileErrors: string[] }
  | { type: 'fatal'; message: string };
