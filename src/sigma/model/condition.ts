import { VigilError, type Location } from '../../core/errors.js';
import type { Condition } from './types.js';

type Token = { type: 'word' | 'lparen' | 'rparen' | 'pipe'; text: string; column: number };

const MAX_CONDITION_LENGTH = 16384;
const MAX_DEPTH = 200;

/**
 * Parses a Sigma condition. Precedence from loosest to tightest: or, and, not, `x of`, parentheses.
 * Columns in errors are 1-based positions in the condition text.
 */
export function parseCondition(text: string, location: Location = {}): Condition {
  if (text.length > MAX_CONDITION_LENGTH) throw fail(`condition is longer than ${MAX_CONDITION_LENGTH} characters`, 1);
  const tokens = tokenize(text);
  let pos = 0;
  let depth = 0;

  const peek = () => tokens[pos];
  const isKeyword = (t: Token | undefined, kw: string) => t?.type === 'word' && t.text.toLowerCase() === kw;

  function fail(message: string, column: number): VigilError {
    return new VigilError('sigma.condition.syntax', `${message} (condition column ${column})`, location);
  }

  function parseOr(): Condition {
    const items = [parseAnd()];
    while (isKeyword(peek(), 'or')) {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  function parseAnd(): Condition {
    const items = [parseNot()];
    while (isKeyword(peek(), 'and')) {
      pos++;
      items.push(parseNot());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  function parseNot(): Condition {
    if (isKeyword(peek(), 'not')) {
      pos++;
      if (++depth > MAX_DEPTH) throw fail('condition nests too deeply', peek()?.column ?? text.length + 1);
      const item = parseNot();
      depth--;
      return { kind: 'not', item };
    }
    return parsePrimary();
  }

  function parsePrimary(): Condition {
    const t = peek();
    if (!t) throw fail('condition ends where a search identifier was expected', text.length + 1);
    if (t.type === 'pipe') throw fail(`aggregation expressions ('|') are not part of Sigma 2; use a correlation rule`, t.column);
    if (t.type === 'lparen') {
      pos++;
      if (++depth > MAX_DEPTH) throw fail('condition nests too deeply', t.column);
      const inner = parseOr();
      depth--;
      const close = peek();
      if (close?.type !== 'rparen') throw fail(`expected ')' to close '(' from column ${t.column}`, close?.column ?? text.length + 1);
      pos++;
      return inner;
    }
    if (t.type === 'rparen') throw fail(`unexpected ')'`, t.column);
    const lower = t.text.toLowerCase();
    if (lower === 'and' || lower === 'or') throw fail(`unexpected '${t.text}' where a search identifier was expected`, t.column);
    const next = tokens[pos + 1];
    if ((lower === '1' || lower === 'all' || lower === 'any') && isKeyword(next, 'of')) {
      const target = tokens[pos + 2];
      if (!target || target.type !== 'word') throw fail(`expected a search identifier pattern or 'them' after '${t.text} of'`, target?.column ?? text.length + 1);
      pos += 3;
      const quantifier = lower === 'all' ? 'all' : 'one';
      return { kind: 'of', quantifier, pattern: target.text.toLowerCase() === 'them' ? 'them' : target.text };
    }
    if (/^\d+$/.test(t.text) && isKeyword(next, 'of')) throw fail(`only '1 of' and 'all of' are defined, not '${t.text} of'`, t.column);
    pos++;
    return { kind: 'ref', name: t.text };
  }

  const result = parseOr();
  const rest = peek();
  if (rest?.type === 'pipe') throw fail(`aggregation expressions ('|') are not part of Sigma 2; use a correlation rule`, rest.column);
  if (rest) throw fail(`unexpected '${rest.text}' after a complete condition`, rest.column);
  return result;

  function tokenize(src: string): Token[] {
    const out: Token[] = [];
    let i = 0;
    while (i < src.length) {
      const ch = src[i]!;
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
        i++;
      } else if (ch === '(' || ch === ')') {
        out.push({ type: ch === '(' ? 'lparen' : 'rparen', text: ch, column: i + 1 });
        i++;
      } else if (ch === '|') {
        out.push({ type: 'pipe', text: ch, column: i + 1 });
        i++;
      } else {
        const start = i;
        while (i < src.length && !' \t\n\r()|'.includes(src[i]!)) i++;
        out.push({ type: 'word', text: src.slice(start, i), column: start + 1 });
      }
    }
    return out;
  }
}

/** Search identifiers a `x of pattern` selects: `them` is every identifier not starting with `_`. */
export function selectIdentifiers(pattern: string, names: string[]): string[] {
  if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  return names.filter((n) => re.test(n));
}
