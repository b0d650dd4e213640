import type { Expr, MatchTerm, QueryAst, RangeBound, RangeTerm, Span, Stage, Term, TextTerm } from './ast.js';
import { Cursor } from './cursor.js';
import { excerpt, queryError, QueryErrorCode, withToken } from './errors.js';
import { FIELD_NAME_RULE, isValidFieldName } from './fieldname.js';
import { TIME_FIELD } from './sql/schema.js';
import { describeToken, type LexMode, type Token } from './lexer.js';
import { resolveLimits, type QueryLimits } from './limits.js';
import { parseStage } from './pipes.js';

/** Inside `field:( ... )` every term is a value of that one field. */
interface Group {
  field: string;
}

/**
 * Parses hunt query text into an AST. Throws `VigilError` (`query.syntax`, `query.limit`) carrying the
 * 1-based column and the offending token (`location.token`); never recurses deeper than `limits.maxDepth`, so hostile input cannot exhaust the stack.
 */
export function parseQuery(text: string, limits?: Partial<QueryLimits>): QueryAst {
  try {
    return parse(text, limits);
  } catch (err) {
    throw withToken(err, text);
  }
}

function parse(text: string, limits?: Partial<QueryLimits>): QueryAst {
  const resolved = resolveLimits(limits);
  if (text.length > resolved.maxLength || Buffer.byteLength(text, 'utf8') > resolved.maxLength) {
    throw queryError(QueryErrorCode.limit, `query is longer than ${resolved.maxLength} bytes`);
  }
  const control = findControlCharacter(text);
  if (control >= 0) {
    const code = text.charCodeAt(control).toString(16).toUpperCase().padStart(4, '0');
    throw queryError(QueryErrorCode.syntax, `control character U+${code} is not allowed`, control);
  }
  const cursor = new Cursor(text, resolved);
  const parser = new FilterParser(cursor);
  const first = cursor.peek('expr');
  const filter = first.kind === 'pipe' || first.kind === 'eof' ? null : parser.parseOr(null);
  const stages: Stage[] = [];
  for (;;) {
    const mode: LexMode = stages.length === 0 ? 'expr' : 'pipe';
    const token = cursor.next(mode);
    if (token.kind === 'eof') break;
    if (token.kind !== 'pipe') {
      throw stages.length === 0 && filter
        ? cursor.unexpected(token, "an operator ('and', 'or'), '|' or end of query")
        : cursor.unexpected(token, "'|' or end of query");
    }
    if (stages.length >= resolved.maxStages) {
      throw queryError(QueryErrorCode.limit, `query has more than ${resolved.maxStages} pipe stages`, token.start);
    }
    stages.push(parseStage(cursor, token));
  }
  return { filter, stages };
}

class FilterParser {
  constructor(private readonly c: Cursor) {}

  parseOr(group: Group | null): Expr {
    const mode = modeOf(group);
    const children = [this.parseAnd(group)];
    while (this.c.peek(mode).kind === 'or') {
      const op = this.c.next(mode);
      this.requireOperand(op, group);
      children.push(this.parseAnd(group));
    }
    return combine('or', children);
  }

  private parseAnd(group: Group | null): Expr {
    const mode = modeOf(group);
    const children = [this.parseUnary(group)];
    for (;;) {
      const token = this.c.peek(mode);
      if (token.kind === 'and') {
        this.c.next(mode);
        this.requireOperand(token, group);
      } else if (!startsOperand(token, group)) {
        break;
      }
      // Adjacent terms without an operator are joined by AND, as analysts expect from search boxes.
      children.push(this.parseUnary(group));
    }
    return combine('and', children);
  }

  private requireOperand(op: Token, group: Group | null): void {
    const next = this.c.peek(modeOf(group));
    if (!startsOperand(next, group)) {
      throw this.c.unexpected(next, `a search term after ${describeToken(op, this.c.input)}`);
    }
  }

  private parseUnary(group: Group | null): Expr {
    const mode = modeOf(group);
    const token = this.c.peek(mode);
    if (token.kind !== 'not') return this.parsePrimary(group);
    this.c.next(mode);
    this.requireOperand(token, group);
    this.c.enter(token.start);
    const child = this.parseUnary(group);
    this.c.leave();
    return { type: 'not', child, span: { start: token.start, end: child.span.end } };
  }

  private parsePrimary(group: Group | null): Expr {
    const mode = modeOf(group);
    const token = this.c.peek(mode);
    if (token.kind === 'lparen') return this.parseParenthesized(group);
    if (group) return this.parseValue(group.field, token.start);
    if (token.kind === 'string') return this.parseQuotedText();
    if (token.kind !== 'word') throw this.c.unexpected(token, 'a search term');
    this.c.next(mode);
    const after = this.c.peek('expr');
    if (isStar(token) && after.kind === 'colon') {
      // `*:*`, Lucene's "every event"; any other value after `*:` is a bad field name below.
      this.c.next('expr');
      const value = this.c.peek('value');
      if (isStar(value)) {
        this.c.next('value');
        this.c.countTerm(token.start);
        return matchAll({ start: token.start, end: value.end });
      }
      this.fieldName(token);
    }
    if (after.kind === 'colon') {
      const field = this.fieldName(token);
      this.c.next('expr');
      return this.parseFieldValue(field, token.start, after);
    }
    if (after.kind === 'cmp') {
      if (after.op === '=') throw this.c.fail("use ':' to match a field value, not '='", after.start);
      const field = this.fieldName(token);
      this.c.next('expr');
      return this.comparison(field, token.start, after);
    }
    return this.freeText(token);
  }

  private parseParenthesized(group: Group | null): Expr {
    const mode = modeOf(group);
    const open = this.c.next(mode);
    this.c.enter(open.start);
    const inner = this.parseOr(group);
    this.c.expect(mode, 'rparen', `')' to close the '(' from column ${open.start + 1}`);
    this.c.leave();
    return inner;
  }

  private parseQuotedText(): TextTerm {
    const token = this.c.next('expr');
    this.c.countTerm(token.start);
    if (this.c.peek('expr').kind === 'colon') {
      throw this.c.fail('field names are written without quotes', token.start);
    }
    if (token.text.trim() === '') throw this.c.fail('a quoted phrase needs at least one word', token.start);
    return { type: 'text', text: token.text, prefix: false, span: spanOf(token) };
  }

  /** Free text is matched with the full-text index, which can only do whole words and word prefixes. */
  private freeText(token: Token): Term {
    this.c.countTerm(token.start);
    if (isStar(token)) return matchAll(spanOf(token));
    const parts = token.pattern;
    if (!parts) return { type: 'text', text: token.text, prefix: false, span: spanOf(token) };
    const [head, tail] = parts;
    if (parts.length === 2 && head?.kind === 'literal' && tail?.kind === 'any') {
      return { type: 'text', text: head.text, prefix: true, span: spanOf(token) };
    }
    throw this.c.fail(
      `free text '${excerpt(token.text)}' may only end in '*'; for a substring search a field, e.g. message:*text*`,
      token.start,
    );
  }

  private fieldName(token: Token): string {
    if (token.pattern || token.escaped || !isValidFieldName(token.text)) {
      throw queryError(
        QueryErrorCode.syntax,
        `invalid field name '${excerpt(token.text)}': ${FIELD_NAME_RULE}`,
        token.start,
      );
    }
    return token.text;
  }

  /** What follows `field:`: a value, a wildcard, a range, a comparison or a parenthesized value group. */
  private parseFieldValue(field: string, start: number, colon: Token): Expr {
    const token = this.c.peek('value');
    if (token.kind === 'lparen') return this.parseParenthesized({ field });
    if (isValueStart(token)) return this.parseValue(field, start);
    const hint = token.kind === 'and' || token.kind === 'or' || token.kind === 'not'
      ? ` (quote the word to search for it: "${token.text}")`
      : '';
    throw this.c.fail(`expected a value after ':'${hint}`, token.kind === 'eof' ? Math.max(token.start, colon.end) : token.start);
  }

  private parseValue(field: string, start: number): Term {
    const token = this.c.peek('value');
    if (token.kind === 'lbracket' || token.kind === 'lbrace') return this.parseRange(field, start);
    if (token.kind === 'cmp' && token.op !== '=' && token.op !== '!=') {
      this.c.next('value');
      return this.comparison(field, start, token);
    }
    if (token.kind !== 'word' && token.kind !== 'string') throw this.c.unexpected(token, 'a value');
    this.c.next('value');
    this.c.countTerm(token.start);
    const span = { start, end: token.end };
    if (token.pattern && token.pattern.every((p) => p.kind === 'any')) return { type: 'exists', field, span };
    const match: MatchTerm = {
      type: 'match',
      field,
      value: { text: token.text, pattern: token.pattern, quoted: token.kind === 'string' },
      span,
    };
    return match;
  }

  private comparison(field: string, start: number, op: Token): RangeTerm {
    this.c.countTerm(op.start);
    const token = this.c.next('value');
    if ((token.kind !== 'word' && token.kind !== 'string') || token.pattern) {
      throw this.c.fail(`expected a value after '${op.op}'`, token.start);
    }
    const inclusive = op.op === '>=' || op.op === '<=';
    const bound: RangeBound = { text: token.text, inclusive };
    const lower = op.op === '>' || op.op === '>=';
    return { type: 'range', field, lower: lower ? bound : null, upper: lower ? null : bound, span: { start, end: token.end } };
  }

  private parseRange(field: string, start: number): RangeTerm {
    const open = this.c.next('value');
    this.c.countTerm(open.start);
    const lower = this.rangeBound(open.kind === 'lbracket');
    const to = this.c.peek('value');
    if (to.kind !== 'word' || to.escaped || to.text.toLowerCase() !== 'to') throw this.c.unexpected(to, "'TO' in the range");
    this.c.next('value');
    const upper = this.rangeBound(true);
    const close = this.c.peek('value');
    if (close.kind !== 'rbracket' && close.kind !== 'rbrace') {
      throw this.c.unexpected(close, `']' or '}' to close the range from column ${open.start + 1}`);
    }
    this.c.next('value');
    if (upper) upper.inclusive = close.kind === 'rbracket';
    return { type: 'range', field, lower, upper, span: { start, end: close.end } };
  }

  /** A bound of `[a TO b]`; `*` means unbounded and yields null. */
  private rangeBound(inclusive: boolean): RangeBound | null {
    const token = this.c.next('value');
    if (token.kind === 'string') return { text: token.text, inclusive };
    if (token.kind !== 'word') throw this.c.unexpected(token, 'a range bound');
    if (!token.pattern) return { text: token.text, inclusive };
    if (token.pattern.every((p) => p.kind === 'any')) return null;
    throw this.c.fail('wildcards are not allowed in a range bound', token.start);
  }
}

/** Control characters have no meaning in the language, and NUL ends strings inside SQLite's FTS5 parser. */
function findControlCharacter(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x08 || (c >= 0x0e && c <= 0x1f) || c === 0x7f) return i;
  }
  return -1;
}

function isStar(token: Token): boolean {
  return token.kind === 'word' && token.text === '*' && token.pattern !== null;
}

/** `*` alone matches every event: `@timestamp` (always stored) exists. */
function matchAll(span: Span): Term {
  return { type: 'exists', field: TIME_FIELD, span };
}

function modeOf(group: Group | null): LexMode {
  return group ? 'value' : 'expr';
}

function isValueStart(token: Token): boolean {
  return token.kind === 'word' || token.kind === 'string' || token.kind === 'lbracket' || token.kind === 'lbrace'
    || (token.kind === 'cmp' && token.op !== '=' && token.op !== '!=');
}

function startsOperand(token: Token, group: Group | null): boolean {
  if (token.kind === 'not' || token.kind === 'lparen' || token.kind === 'word' || token.kind === 'string') return true;
  return group !== null && isValueStart(token);
}

function combine(type: 'and' | 'or', children: Expr[]): Expr {
  if (children.length === 1) return children[0]!;
  const span: Span = { start: children[0]!.span.start, end: children[children.length - 1]!.span.end };
  return { type, children, span };
}

function spanOf(token: Token): Span {
  return { start: token.start, end: token.end };
}
