import { VigilError } from '../../core/errors.js';

/** A value that will travel as a bound parameter (or, for engines without parameters, a dialect literal). */
export type SqlValue = string | number | null;

export class Param {
  constructor(readonly value: SqlValue) {}
}

/**
 * SQL text kept as pieces of trusted text and parameters, so user values are never concatenated into
 * the statement: the template tag below accepts only `Sql` and `Param`, not plain strings.
 */
export class Sql {
  constructor(readonly parts: readonly (string | Param)[]) {}
}

export function sql(strings: TemplateStringsArray, ...values: (Sql | Param)[]): Sql {
  const parts: (string | Param)[] = [];
  strings.forEach((text, i) => {
    if (text) parts.push(text);
    const value = values[i];
    if (value instanceof Sql) parts.push(...value.parts);
    else if (value instanceof Param) parts.push(value);
    // The types already forbid it; this guards callers that cast their way around them.
    else if (i < values.length) throw new VigilError('query.plan', 'sql`` accepts only Sql fragments and Params');
  });
  return new Sql(parts);
}

/** Trusted text only: keywords, and identifiers already quoted by the dialect. */
export function raw(text: string): Sql {
  return new Sql([text]);
}

export function param(value: SqlValue): Param {
  return new Param(value);
}

export function join(items: readonly Sql[], separator: string): Sql {
  const parts: (string | Param)[] = [];
  items.forEach((item, i) => {
    if (i > 0) parts.push(separator);
    parts.push(...item.parts);
  });
  return new Sql(parts);
}

export interface ValueRenderer {
  placeholder(index: number): string;
  literal(value: SqlValue): string;
}

/** Joins the pieces: parameters become placeholders (and `params`), or dialect literals when `inline`. */
export function render(fragment: Sql, renderer: ValueRenderer, inline: boolean): { sql: string; params: SqlValue[] } {
  const params: SqlValue[] = [];
  let text = '';
  for (const part of fragment.parts) {
    if (typeof part === 'string') {
      text += part;
    } else if (inline) {
      text += renderer.literal(part.value);
    } else {
      params.push(part.value);
      text += renderer.placeholder(params.length);
    }
  }
  return { sql: text, params };
}
