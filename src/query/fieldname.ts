/**
 * Field names come from users and end up inside SQL identifiers and JSON paths, so they are held to a
 * strict alphabet: dot-separated segments of letters, digits, `_`, `@` and `-`. Nothing that could
 * close a quote (`'`, `"`, `` ` ``), start a comment or change a JSON path (`[`, `$`, `*`) gets through.
 */
const FIELD_NAME = /^[A-Za-z0-9_@-]+(?:\.[A-Za-z0-9_@-]+)*$/;

export const MAX_FIELD_NAME_LENGTH = 256;

export function isValidFieldName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_FIELD_NAME_LENGTH && FIELD_NAME.test(name);
}

export const FIELD_NAME_RULE =
  "field names are dot-separated segments of letters, digits, '_', '@' and '-' (at most 256 characters)";
