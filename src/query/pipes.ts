import {
  AGGREGATE_FUNCTIONS, type AggregateFunction, type Aggregation, type Expr, type NameRef, type SortKey, type Stage,
} from './ast.js';
import type { Cursor } from './cursor.js';
import { excerpt, queryError, QueryErrorCode } from './errors.js';
import { FIELD_NAME_RULE, isValidFieldName } from './fieldname.js';
import type { Token } from './lexer.js';
import { parseInterval } from './time.js';

type StageParser = (c: Cursor, command: Token) => Stage;

/** Pipe commands keyed by the name users type; an unknown name fails listing these. */
const STAGES: Record<string, StageParser> = {
  stats: parseStats,
  timechart: parseTimechart,
  sort: parseSort,
  head: parseHead,
  fields: parseFields,
  where: parseWhere,
};

/** Parses one stage after its `|`, up to the next `|` or the end of the query. */
export function parseStage(c: Cursor, pipe: Token): Stage {
  const command = c.next('pipe');
  if (command.kind !== 'word') throw c.unexpected(command, "a command after '|'");
  const parse = STAGES[command.text.toLowerCase()];
  if (!parse) {
    const known = Object.keys(STAGES).sort().join(', ');
    throw c.fail(`unknown pipe command '${excerpt(command.text)}' (known: ${known})`, command.start);
  }
  const stage = parse(c, command);
  const end = c.peek('pipe');
  if (end.kind !== 'pipe' && end.kind !== 'eof') throw c.unexpected(end, "',', '|' or end of query");
  stage.span = { start: pipe.start, end: stage.span.end };
  return stage;
}

function isKeyword(token: Token, word: string): boolean {
  return token.kind === 'word' && token.text.toLowerCase() === word;
}

function atStageEnd(c: Cursor): boolean {
  const token = c.peek('pipe');
  return token.kind === 'pipe' || token.kind === 'eof';
}

/** Items separated by commas or spaces, up to `|`, the end, or a stop word such as `by`. */
function parseList<T>(c: Cursor, what: string, item: () => T, stopWord?: string): T[] {
  const items: T[] = [];
  for (;;) {
    const token = c.peek('pipe');
    if (token.kind === 'pipe' || token.kind === 'eof' || (stopWord && isKeyword(token, stopWord))) {
      if (items.length === 0) throw c.unexpected(token, what);
      return items;
    }
    items.push(item());
    if (c.peek('pipe').kind === 'comma') {
      c.next('pipe');
      const after = c.peek('pipe');
      if (after.kind !== 'word' && after.kind !== 'plus' && after.kind !== 'minus') throw c.unexpected(after, what);
    }
  }
}

function fieldName(c: Cursor, token: Token): string {
  if (token.kind !== 'word') throw c.unexpected(token, 'a field name');
  if (!isValidFieldName(token.text)) {
    throw queryError(QueryErrorCode.syntax, `invalid field name '${excerpt(token.text)}': ${FIELD_NAME_RULE}`, token.start);
  }
  return token.text;
}

function aggregateName(fn: AggregateFunction, field: string | null): string {
  return field === null ? fn : `${fn}(${field})`;
}

/** `count()`, `count`, `avg(bytes)`: an aggregation call without its alias. */
function parseCall(c: Cursor): Aggregation {
  const token = c.next('pipe');
  if (token.kind !== 'word') throw c.unexpected(token, 'an aggregation such as count()');
  const fn = token.text.toLowerCase() as AggregateFunction;
  if (!AGGREGATE_FUNCTIONS.includes(fn)) {
    throw c.fail(`unknown aggregation '${excerpt(token.text)}' (known: ${[...AGGREGATE_FUNCTIONS].sort().join(', ')})`, token.start);
  }
  if (c.peek('pipe').kind !== 'lparen') {
    if (fn === 'count') return { fn, field: null, name: 'count', span: { start: token.start, end: token.end } };
    throw c.unexpected(c.peek('pipe'), `'(' after '${fn}'`);
  }
  c.next('pipe');
  let field: string | null = null;
  const arg = c.peek('pipe');
  if (arg.kind === 'word' && arg.text === '*' && fn === 'count') c.next('pipe');
  else if (arg.kind !== 'rparen') field = fieldName(c, c.next('pipe'));
  if (field === null && fn !== 'count') throw c.unexpected(c.peek('pipe'), `a field name in ${fn}()`);
  const close = c.expect('pipe', 'rparen', `')' to close ${fn}(`);
  return { fn, field, name: aggregateName(fn, field), span: { start: token.start, end: close.end } };
}

function parseAggregation(c: Cursor): Aggregation {
  const call = parseCall(c);
  if (!isKeyword(c.peek('pipe'), 'as')) return call;
  c.next('pipe');
  const alias = c.next('pipe');
  return { ...call, name: fieldName(c, alias), span: { start: call.span.start, end: alias.end } };
}

/** A field, or after `stats` an output column: `host.name`, `count`, `count()`, `avg(bytes)`. */
function parseRef(c: Cursor): NameRef {
  const token = c.peek('pipe');
  if (token.kind === 'word' && c.lexer.input[token.end] === '(') {
    const call = parseCall(c);
    return { name: call.name, span: call.span };
  }
  c.next('pipe');
  return { name: fieldName(c, token), span: { start: token.start, end: token.end } };
}

function parseBy(c: Cursor): NameRef[] {
  if (!isKeyword(c.peek('pipe'), 'by')) return [];
  c.next('pipe');
  return parseList(c, "a field name after 'by'", () => {
    const token = c.next('pipe');
    return { name: fieldName(c, token), span: { start: token.start, end: token.end } };
  });
}

function endOf(start: Token, items: { span: { end: number } }[]): { start: number; end: number } {
  return { start: start.start, end: items.length ? items[items.length - 1]!.span.end : start.end };
}

function parseStats(c: Cursor, command: Token): Stage {
  const aggregations = parseList(c, 'an aggregation such as count()', () => parseAggregation(c), 'by');
  const by = parseBy(c);
  return { type: 'stats', aggregations, by, span: endOf(command, [...aggregations, ...by]) };
}

function parseTimechart(c: Cursor, command: Token): Stage {
  const width = c.next('pipe');
  if (width.kind !== 'word') throw c.unexpected(width, "a bucket width such as 1h after 'timechart'");
  const intervalMs = parseInterval(width.text, width.start);
  const next = c.peek('pipe');
  const aggregations = atStageEnd(c) || isKeyword(next, 'by')
    ? [{ fn: 'count' as const, field: null, name: 'count', span: { start: width.start, end: width.end } }]
    : parseList(c, 'an aggregation such as count()', () => parseAggregation(c), 'by');
  const by = parseBy(c);
  const last = by[by.length - 1] ?? aggregations[aggregations.length - 1];
  return { type: 'timechart', intervalMs, aggregations, by, span: { start: command.start, end: last?.span.end ?? width.end } };
}

function parseSort(c: Cursor, command: Token): Stage {
  const keys = parseList<SortKey>(c, "a field to sort by, e.g. '-count'", () => {
    const sign = c.peek('pipe');
    if (sign.kind === 'plus' || sign.kind === 'minus') c.next('pipe');
    const ref = parseRef(c);
    const start = sign.kind === 'plus' || sign.kind === 'minus' ? sign.start : ref.span.start;
    return { ...ref, desc: sign.kind === 'minus', span: { start, end: ref.span.end } };
  });
  return { type: 'sort', keys, span: endOf(command, keys) };
}

function parseHead(c: Cursor, command: Token): Stage {
  const { defaultHead, maxRows } = c.limits;
  if (atStageEnd(c)) return { type: 'head', count: defaultHead, span: endOf(command, []) };
  const token = c.next('pipe');
  if (token.kind !== 'word' || !/^\d{1,9}$/.test(token.text)) throw c.unexpected(token, "a number after 'head'");
  const count = Number(token.text);
  if (count < 1 || count > maxRows) throw c.fail(`head takes a number from 1 to ${maxRows}`, token.start);
  return { type: 'head', count, span: { start: command.start, end: token.end } };
}

function parseFields(c: Cursor, command: Token): Stage {
  const names = parseList(c, "a field name after 'fields'", () => parseRef(c));
  return { type: 'fields', names, span: endOf(command, names) };
}

/** `where <column> <op> <value>`: one comparison, compiled with the same semantics as the search terms. */
function parseWhere(c: Cursor, command: Token): Stage {
  const ref = parseRef(c);
  const op = c.next('pipe');
  if (op.kind !== 'cmp') throw c.unexpected(op, "a comparison ('>', '>=', '<', '<=', '=', '!=')");
  const first = c.next('pipe');
  // A leading '-' is its own token in pipe mode (it marks descending sorts), so rejoin negative numbers.
  const token = first.kind === 'minus' ? c.next('pipe') : first;
  if (first.kind === 'minus' && token.kind !== 'word') throw c.unexpected(token, "a number after '-'");
  const text = first.kind === 'minus' ? `-${token.text}` : token.text;
  if (token.kind !== 'word' && token.kind !== 'string') throw c.unexpected(token, `a value after '${op.op}'`);
  c.countTerm(ref.span.start);
  const span = { start: ref.span.start, end: token.end };
  const field = ref.name;
  let expr: Expr;
  if (op.op === '=' || op.op === '!=') {
    const match: Expr = { type: 'match', field, value: { text, pattern: null, quoted: true }, span };
    expr = op.op === '=' ? match : { type: 'not', child: match, span };
  } else {
    const bound = { text, inclusive: op.op === '>=' || op.op === '<=' };
    const isLower = op.op === '>' || op.op === '>=';
    expr = { type: 'range', field, lower: isLower ? bound : null, upper: isLower ? null : bound, span };
  }
  return { type: 'where', expr, span: { start: command.start, end: token.end } };
}
