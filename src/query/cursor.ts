import { VigilError } from '../core/errors.js';
import { queryError, QueryErrorCode } from './errors.js';
import { describeToken, Lexer, type LexMode, type Token, type TokenKind } from './lexer.js';
import type { QueryLimits } from './limits.js';

/** Parser state shared by the search grammar and the pipe stages: tokens, limits and error helpers. */
export class Cursor {
  readonly lexer: Lexer;
  private depth = 0;
  private terms = 0;

  constructor(
    readonly input: string,
    readonly limits: QueryLimits,
  ) {
    this.lexer = new Lexer(input, limits);
  }

  peek(mode: LexMode): Token {
    return this.lexer.peek(mode);
  }

  next(mode: LexMode): Token {
    return this.lexer.next(mode);
  }

  /** Consumes a token of `kind` or fails with `expected <what>, found <token>`. */
  expect(mode: LexMode, kind: TokenKind, what: string): Token {
    const token = this.peek(mode);
    if (token.kind !== kind) throw this.unexpected(token, what);
    return this.next(mode);
  }

  unexpected(token: Token, expected?: string): VigilError {
    const found = describeToken(token, this.input);
    const message = expected ? `expected ${expected}, found ${found}` : `unexpected ${found}`;
    return queryError(QueryErrorCode.syntax, message, token.start);
  }

  fail(message: string, offset: number): VigilError {
    return queryError(QueryErrorCode.syntax, message, offset);
  }

  /** Guards recursion: every `(` and `not` goes one level deeper. */
  enter(offset: number): void {
    if (++this.depth > this.limits.maxDepth) {
      throw queryError(QueryErrorCode.limit, `query nests deeper than ${this.limits.maxDepth} levels`, offset);
    }
  }

  leave(): void {
    this.depth--;
  }

  countTerm(offset: number): void {
    if (++this.terms > this.limits.maxTerms) {
      throw queryError(QueryErrorCode.limit, `query has more than ${this.limits.maxTerms} terms`, offset);
    }
  }
}
