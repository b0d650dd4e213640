import type { Location } from '../../core/errors.js';
import type { LogSource } from '../../core/event.js';

export type Level = 'informational' | 'low' | 'medium' | 'high' | 'critical';
export const LEVELS: readonly Level[] = ['informational', 'low', 'medium', 'high', 'critical'];

/** One piece of a Sigma string value after wildcard and escape parsing. */
export type PatternPart = string | { wildcard: '*' | '?' };

/** A value test on one field (or on the whole event for keyword searches), after all modifiers ran. */
export type ValueTest =
  | { kind: 'pattern'; parts: PatternPart[]; cased: boolean }
  | { kind: 'regex'; source: string; flags: { i: boolean; m: boolean; s: boolean } }
  | { kind: 'compare'; op: 'gt' | 'gte' | 'lt' | 'lte'; value: number }
  | { kind: 'cidr'; network: string }
  | { kind: 'exists'; value: boolean }
  | { kind: 'null' }
  | { kind: 'fieldref'; field: string; cased: boolean; startswith?: boolean; endswith?: boolean; contains?: boolean }
  | { kind: 'timepart'; part: TimePart; test: ValueTest }
  | { kind: 'placeholder'; name: string; parts: PatternPart[]; cased: boolean };

export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** `field|mods: values` after modifier processing. `values` are OR-linked unless `all`. */
export interface FieldMatch {
  /** Sigma field name as written; undefined for keyword (field-less) searches. */
  field?: string;
  modifiers: string[];
  values: ValueTest[];
  all: boolean;
  /** neq: the field must differ from every value. */
  negate: boolean;
  location: Location;
}

/** A search identifier: maps are AND of field matches, lists are OR of maps or keywords. */
export type Search =
  | { kind: 'and'; items: FieldMatch[] }
  | { kind: 'or'; items: Search[] }
  | { kind: 'match'; item: FieldMatch };

export type Condition =
  | { kind: 'and'; items: Condition[] }
  | { kind: 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'ref'; name: string }
  | { kind: 'of'; quantifier: 'one' | 'all'; pattern: string };

export interface Detection {
  searches: Map<string, Search>;
  condition: Condition;
}

interface RuleMeta {
  id?: string;
  name?: string;
  title: string;
  description?: string;
  author?: string;
  status?: string;
  level?: Level;
  tags: string[];
  references: string[];
  falsepositives: string[];
  date?: string;
  modified?: string;
  file: string;
  location: Location;
}

export interface SigmaRule extends RuleMeta {
  type: 'rule';
  logsource: LogSource;
  detection: Detection;
  fields: string[];
  /** Placeholder names used with `|expand`; the rule cannot match until each has a value. */
  placeholders: string[];
}

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile';

export interface CountCondition {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
  neq?: number;
  /** value_count / value_sum / value_avg / value_percentile: the field the condition is about. */
  field?: string;
}

export interface CorrelationRule extends RuleMeta {
  type: 'correlation';
  correlationType: CorrelationType;
  /** Ids or names of referenced rules (detection or correlation). */
  rules: string[];
  groupBy: string[];
  /** Milliseconds. */
  timespan: number;
  condition?: CountCondition;
  /** alias -> (rule name or id -> field) */
  aliases: Record<string, Record<string, string>>;
  generate: boolean;
}

export interface FilterRule extends RuleMeta {
  type: 'filter';
  logsource: LogSource;
  /** Ids or names of the rules the filter applies to. */
  rules: string[];
  detection: Detection;
}

export type AnyRule = SigmaRule | CorrelationRule | FilterRule;
