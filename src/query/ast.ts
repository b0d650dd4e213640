/** Source span of a node: 0-based offsets into the query text (columns in messages are `start + 1`). */
export interface Span {
  start: number;
  end: number;
}

/** One piece of a value: literal text, `*` (any run of characters) or `?` (exactly one character). */
export type PatternPart = { kind: 'literal'; text: string } | { kind: 'any' } | { kind: 'one' };

/** A value as the user wrote it after unescaping. `pattern` is set only when it has unescaped wildcards. */
export interface Value {
  /** The literal text (wildcards shown as `*`/`?`), used for exact comparison when `pattern` is null. */
  text: string;
  pattern: PatternPart[] | null;
  quoted: boolean;
}

export interface RangeBound {
  /** Unescaped bound text; a number, a time, or a string compared lexically. */
  text: string;
  inclusive: boolean;
}

/** `field:value` or `field:*mimi*`: equality or wildcard match, case-insensitive. */
export interface MatchTerm {
  type: 'match';
  field: string;
  value: Value;
  span: Span;
}

/** `field:*`: the field is present (not null). */
export interface ExistsTerm {
  type: 'exists';
  field: string;
  span: Span;
}

/** `bytes>10`, `bytes:[10 TO 20}`: either bound may be absent (unbounded). */
export interface RangeTerm {
  type: 'range';
  field: string;
  lower: RangeBound | null;
  upper: RangeBound | null;
  span: Span;
}

/** A term or quoted phrase without a field: full-text search. `prefix` for a trailing `*`. */
export interface TextTerm {
  type: 'text';
  text: string;
  prefix: boolean;
  span: Span;
}

export interface AndExpr {
  type: 'and';
  children: Expr[];
  span: Span;
}

export interface OrExpr {
  type: 'or';
  children: Expr[];
  span: Span;
}

export interface NotExpr {
  type: 'not';
  child: Expr;
  span: Span;
}

export type Term = MatchTerm | ExistsTerm | RangeTerm | TextTerm;
export type Expr = AndExpr | OrExpr | NotExpr | Term;

export const AGGREGATE_FUNCTIONS = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max'] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

/** `count()`, `sum(bytes) as total`. `name` is the output column: the alias, else `count` or `fn(field)`. */
export interface Aggregation {
  fn: AggregateFunction;
  field: string | null;
  name: string;
  span: Span;
}

/** A name that refers to a field (before `stats`) or an output column (after it). */
export interface NameRef {
  name: string;
  span: Span;
}

export interface SortKey extends NameRef {
  desc: boolean;
}

export interface StatsStage {
  type: 'stats';
  aggregations: Aggregation[];
  by: NameRef[];
  span: Span;
}

export interface TimechartStage {
  type: 'timechart';
  intervalMs: number;
  aggregations: Aggregation[];
  by: NameRef[];
  span: Span;
}

export interface SortStage {
  type: 'sort';
  keys: SortKey[];
  span: Span;
}

export interface HeadStage {
  type: 'head';
  count: number;
  span: Span;
}

export interface FieldsStage {
  type: 'fields';
  names: NameRef[];
  span: Span;
}

/** `| where count > 5`, kept as a filter expression over the current columns. */
export interface WhereStage {
  type: 'where';
  expr: Expr;
  span: Span;
}

export type Stage = StatsStage | TimechartStage | SortStage | HeadStage | FieldsStage | WhereStage;

/** A parsed hunt query: an optional filter (null matches every event in the time range) and its pipe stages. */
export interface QueryAst {
  filter: Expr | null;
  stages: Stage[];
}
