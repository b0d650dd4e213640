import type { EventObject, LogSource } from '../../core/event.js';
import type { Level, SigmaRule } from '../model/types.js';

/** One rule matching one event: what an alert needs, including the author the rule licence requires. */
export interface RuleMatch {
  ruleId: string;
  title: string;
  level?: Level;
  status?: string;
  tags: string[];
  author?: string;
  /** Fields of the positive selections that matched, with the event's value. */
  fields: { field: string; value: string }[];
  /** True when the rule is referenced by a correlation that does not ask for standalone alerts (`generate`). */
  correlationOnly: boolean;
  rule: SigmaRule;
  event: EventObject;
  /** Reads a Sigma field of this event through the pipeline mapping (used for group-by). */
  fieldValue(field: string): unknown;
}

export interface MatchOptions {
  /** The event's log source when the caller knows it (source profiles do); used by unrouted pipelines. */
  logsource?: LogSource;
}

export interface EngineStats {
  rules: number;
  /** Rules that take part in matching for this pipeline. */
  active: number;
  /** Rules this pipeline cannot route (another product, or a logsource it has no mapping for). */
  unrouted: { rule: string; file: string; reason: string }[];
  /** Rules left out because a placeholder has no value. */
  placeholders: { rule: string; file: string; placeholders: string[] }[];
  filters: number;
  compileMs: number;
}
