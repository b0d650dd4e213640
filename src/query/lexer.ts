import type { PatternPart } from './ast.js';
import { excerpt, queryError, QueryErrorCode } from './errors.js';
import type { QueryLimits } from './limits.js';

/**
 * How the next token is read. The grammar is context-sensitive in one place that matters to analysts:
 * after `field:` a value may contain `:` (IPv6 addresses, `C:` paths, ISO times), while in a search
 * position `:` separates a field from its value. Pipe stages use a small keyword/identifier alphabet.
 */
export type LexMode = 'expr' | 'value' | 'pipe';

export type TokenKind =
  | 'word' | 'string' | 'colon' | 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'lbrace' | 'rbrace'
  | 'cmp' | 'and' | 'or' | 'not' | 'pipe' | 'comma' | 'plus' | 'minus' | 'eof';

export type Comparator = '>' | '>=' | '<' | '<=' | '=' | '!=';

export interface Token {
  kind: TokenKind;
  /** 0-based offsets into the query text. */
  start: number;
  end: number;
  /** Unescaped text of a word or string; wildcards appear as `*` and `?`. */
  text: string;
  /** Set for words holding at least one unescaped wildcard. */
  pattern: PatternPart[] | null;
  /** A backslash escape occurred, so the word is never a keyword or a field name. */
  escaped: boolean;
  op?: Comparator;
}

const WHITESPACE = /\s/;
const ALNUM = /[A-Za-z0-9]/;
// Characters that end a word in every mode; brackets and braces are reserved for ranges and groups.
const ALWAYS_DELIMITS = new Set(['"', '(', ')', '[', ']', '{', '}', '|']);
const EXPR_DELIMITS = new Set([':', '<', '>', '=']);
const PIPE_DELIMITS = new Set([',', '<', '>', '=', '!', '\\', ':']);
const KEYWORDS: Record<string, TokenKind> = { and: 'and', or: 'or', not: 'not' };

/** How a token reads in an error message: `')'`, `'foo'`, `end of query`. */
export function describeToken(token: Token, input: string): string {
  if (token.kind === 'eof') return 'end of query';
  return `'${excerpt(input.slice(token.start, token.end))}'`;
}

/** On-demand tokenizer: the parser asks for the next token in the mode its grammar position needs. */
export class Lexer {
  private pos = 0;
  private cached: { pos: number; mode: LexMode; token: Token } | null = null;

  constructor(
    readonly input: string,
    private readonly limits: QueryLimits,
  ) {}

  peek(mode: LexMode): Token {
    if (this.cached && this.cached.pos === this.pos && this.cached.mode === mode) return this.cached.token;
    const token = this.scan(mode);
    this.cached = { pos: this.pos, mode, token };
    return token;
  }

  next(mode: LexMode): Token {
    const token = this.peek(mode);
    this.pos = token.end;
    return token;
  }

  private scan(mode: LexMode): Token {
    const s = this.input;
    let i = this.pos;
    while (i < s.length && WHITESPACE.test(s[i]!)) i++;
    if (i >= s.length) return this.token('eof', i, i);
    const c = s[i]!;
    const d = s[i + 1];
    switch (c) {
      case '"': return this.scanString(i);
      case '(': return this.token('lparen', i, i + 1);
      case ')': return this.token('rparen', i, i + 1);
      case '[': return this.token('lbracket', i, i + 1);
      case ']': return this.token('rbracket', i, i + 1);
      case '{': return this.token('lbrace', i, i + 1);
      case '}': return this.token('rbrace', i, i + 1);
      case '|':
        return mode !== 'pipe' && d === '|' ? this.token('or', i, i + 2) : this.token('pipe', i, i + 1);
      case '>':
      case '<': {
        const op = (d === '=' ? `${c}=` : c) as Comparator;
        return { ...this.token('cmp', i, i + op.length), op };
      }
    }
    if (mode === 'pipe') {
      if (c === ',') return this.token('comma', i, i + 1);
      if (c === '+') return this.token('plus', i, i + 1);
      if (c === '-') return this.token('minus', i, i + 1);
      if (c === '=') return { ...this.token('cmp', i, d === '=' ? i + 2 : i + 1), op: '=' };
      if (c === '!' && d === '=') return { ...this.token('cmp', i, i + 2), op: '!=' };
      if (PIPE_DELIMITS.has(c)) throw queryError(QueryErrorCode.syntax, `unexpected '${c}' in a pipe command`, i);
    } else {
      if (c === '&' && d === '&') return this.token('and', i, i + 2);
      if (c === '!') return this.token('not', i, i + 1);
      if (mode === 'expr' && c === ':') return this.token('colon', i, i + 1);
      if (mode === 'expr' && c === '=') return { ...this.token('cmp', i, i + 1), op: '=' };
    }
    return this.scanWord(i, mode);
  }

  private token(kind: TokenKind, start: number, end: number): Token {
    return { kind, start, end, text: this.input.slice(start, end), pattern: null, escaped: false };
  }

  private scanWord(start: number, mode: LexMode): Token {
    const s = this.input;
    const parts: PatternPart[] = [];
    let literal = '';
    let text = '';
    let escaped = false;
    let wildcards = 0;
    let i = start;
    while (i < s.length) {
      const c = s[i]!;
      if (WHITESPACE.test(c) || ALWAYS_DELIMITS.has(c)) break;
      if (mode === 'expr' && EXPR_DELIMITS.has(c)) break;
      if (mode === 'pipe' && (PIPE_DELIMITS.has(c) || ((c === '+' || c === '-') && i === start))) break;
      if (mode !== 'pipe' && c === '&' && s[i + 1] === '&') break;
      if (c === '\\' && mode !== 'pipe') {
        const next = this.escapedChar(i);
        literal += next;
        text += next;
        escaped = true;
        i += 2;
        continue;
      }
      if ((c === '*' || c === '?') && mode !== 'pipe') {
        if (++wildcards > this.limits.maxWildcards) {
          throw queryError(QueryErrorCode.limit, `a value may hold at most ${this.limits.maxWildcards} wildcards`, i);
        }
        if (literal) parts.push({ kind: 'literal', text: literal });
        literal = '';
        const last = parts[parts.length - 1];
        // `**` means the same as `*`; collapsing keeps LIKE patterns short.
        if (c === '?') parts.push({ kind: 'one' });
        else if (last?.kind !== 'any') parts.push({ kind: 'any' });
        text += c;
        i++;
        continue;
      }
      literal += c;
      text += c;
      i++;
    }
    if (text.length > this.limits.maxValueLength) {
      throw queryError(QueryErrorCode.limit, `a value may be at most ${this.limits.maxValueLength} characters`, start);
    }
    if (literal && wildcards > 0) parts.push({ kind: 'literal', text: literal });
    const token: Token = { kind: 'word', start, end: i, text, pattern: wildcards > 0 ? parts : null, escaped };
    if (mode !== 'pipe' && !escaped) {
      const keyword = KEYWORDS[text.toLowerCase()];
      if (keyword) return { ...token, kind: keyword };
    }
    return token;
  }

  private scanString(start: number): Token {
    const s = this.input;
    let text = '';
    let i = start + 1;
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\') {
        text += this.escapedChar(i);
        i += 2;
      } else {
        text += s[i];
        i++;
      }
      if (text.length > this.limits.maxValueLength) {
        throw queryError(QueryErrorCode.limit, `a value may be at most ${this.limits.maxValueLength} characters`, start);
      }
    }
    if (i >= s.length) throw queryError(QueryErrorCode.syntax, 'unterminated quoted string starting', start);
    return { kind: 'string', start, end: i + 1, text, pattern: null, escaped: false };
  }

  /**
   * A backslash escapes any character that is not a letter or digit. `\W` is rejected rather than read as
   * `W`, because a pasted Windows path (`C:\Windows`) silently losing its backslashes would miss events.
   */
  private escapedChar(at: number): string {
    const next = this.input[at + 1];
    if (next === undefined) throw queryError(QueryErrorCode.syntax, "expected a character after '\\'", at);
    if (ALNUM.test(next)) {
      throw queryError(
        QueryErrorCode.syntax,
        `'\\${next}' is not an escape; write '\\\\' for a backslash (e.g. C:\\\\Windows)`,
        at,
      );
    }
    return next;
  }
}
