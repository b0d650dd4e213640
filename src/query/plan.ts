import type { Aggregation, Expr, NameRef, QueryAst, SortKey, Span, Term } from './ast.js';
import { excerpt, queryError, QueryErrorCode } from './errors.js';
import { isValidFieldName } from './fieldname.js';

/** Name of the bucket column `timechart` adds: bucket start in epoch milliseconds. */
export const BUCKET_COLUMN = '@timestamp';

export interface AggregateStep {
  op: 'aggregate';
  /** Bucket width for `timechart`; null for `stats`. */
  bucketMs: number | null;
  groupBy: NameRef[];
  aggregations: Aggregation[];
}

/** Dialect-neutral steps, applied in order to the filtered events. */
export type PlanStep =
  | { op: 'filter'; expr: Expr }
  | AggregateStep
  | { op: 'sort'; keys: SortKey[] }
  | { op: 'limit'; count: number };

/** A validated query: every name refers to something that exists at its point in the pipeline. */
export interface QueryPlan {
  filter: Expr | null;
  steps: PlanStep[];
  /**
   * Columns of the last `fields` stage after the last aggregation, or null. A projection never changes
   * which rows or in what order, so it is applied once, at the end.
   */
  projection: NameRef[] | null;
  /** `events`: whole stored events; `rows`: the named `columns` (after `stats`, `timechart` or `fields`). */
  kind: 'events' | 'rows';
  columns: string[] | null;
}

/** Checks names against what each stage can see and normalizes the filter. Throws `query.plan`. */
export function planQuery(ast: QueryAst): QueryPlan {
  const steps: PlanStep[] = [];
  let columns: string[] | null = null;
  let projection: NameRef[] | null = null;

  const check = (ref: { name: string; span: Span }, stage: string): void => {
    const visible = projection ? projection.map((p) => p.name) : columns;
    if (visible) {
      if (visible.includes(ref.name)) return;
      const after = projection ? "'| fields'" : "'| stats'/'| timechart'";
      throw queryError(
        QueryErrorCode.plan,
        `'${excerpt(ref.name)}' is not a column after ${after} (available: ${visible.join(', ')}) in '| ${stage}'`,
        ref.span.start,
        ref.name,
      );
    }
    if (!isValidFieldName(ref.name)) {
      throw queryError(QueryErrorCode.plan, `'${excerpt(ref.name)}' is an aggregation; use it after '| stats'`, ref.span.start);
    }
  };

  for (const stage of ast.stages) {
    switch (stage.type) {
      case 'stats':
      case 'timechart': {
        for (const ref of stage.by) check(ref, stage.type);
        for (const agg of stage.aggregations) if (agg.field !== null) check({ name: agg.field, span: agg.span }, stage.type);
        const bucketMs = stage.type === 'timechart' ? stage.intervalMs : null;
        const outputs = [
          ...(bucketMs === null ? [] : [{ name: BUCKET_COLUMN, span: stage.span }]),
          ...stage.by,
          ...stage.aggregations,
        ];
        const names = outputs.map((o) => o.name);
        const duplicate = outputs.find((o, i) => names.indexOf(o.name) !== i);
        if (duplicate) {
          throw queryError(QueryErrorCode.plan, `column '${excerpt(duplicate.name)}' appears twice; rename one with 'as'`, duplicate.span.start);
        }
        steps.push({ op: 'aggregate', bucketMs, groupBy: stage.by, aggregations: stage.aggregations });
        columns = names;
        projection = null;
        break;
      }
      case 'sort':
        for (const key of stage.keys) check(key, 'sort');
        steps.push({ op: 'sort', keys: stage.keys });
        break;
      case 'head':
        steps.push({ op: 'limit', count: stage.count });
        break;
      case 'fields': {
        for (const ref of stage.names) check(ref, 'fields');
        const names = stage.names.map((n) => n.name);
        const duplicate = stage.names.find((n, i) => names.indexOf(n.name) !== i);
        if (duplicate) throw queryError(QueryErrorCode.plan, `'${excerpt(duplicate.name)}' is listed twice`, duplicate.span.start);
        projection = stage.names;
        break;
      }
      case 'where':
        for (const term of termsOf(stage.expr)) {
          if (term.type !== 'text') check({ name: term.field, span: term.span }, 'where');
        }
        steps.push({ op: 'filter', expr: stage.expr });
        break;
    }
  }
  const output = projection ? projection.map((p) => p.name) : columns;
  return {
    filter: ast.filter && flatten(ast.filter),
    steps,
    projection,
    kind: output ? 'rows' : 'events',
    columns: output,
  };
}

function termsOf(expr: Expr): Term[] {
  const out: Term[] = [];
  const stack = [expr];
  while (stack.length) {
    const e = stack.pop()!;
    if (e.type === 'and' || e.type === 'or') stack.push(...e.children);
    else if (e.type === 'not') stack.push(e.child);
    else out.push(e);
  }
  return out;
}

/** `(a and b) and c` becomes one AND of three, so the SQL has fewer parentheses to read. */
function flatten(expr: Expr): Expr {
  if (expr.type === 'not') return { ...expr, child: flatten(expr.child) };
  if (expr.type !== 'and' && expr.type !== 'or') return expr;
  const children: Expr[] = [];
  for (const child of expr.children.map(flatten)) {
    if (child.type === expr.type) children.push(...child.children);
    else children.push(child);
  }
  return { ...expr, children };
}
