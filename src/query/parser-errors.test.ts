import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../core/errors.js';
import { parseQuery } from './parser.js';
import { planQuery } from './plan.js';

/** Asserts `query` fails with `code`, at 1-based `column`, with a message matching `pattern`. */
function fails(query: string, column: number | undefined, pattern: RegExp, code = 'query.syntax'): void {
  assert.throws(
    () => planQuery(parseQuery(query)),
    (err: unknown) => {
      assert.ok(err instanceof VigilError, `${query}: not a VigilError`);
      assert.equal(err.code, code, `${query}: ${err.message}`);
      assert.equal(err.location.column, column, `${query}: ${err.message}`);
      if (column !== undefined) assert.match(err.message, new RegExp(`at column ${column}\\b`), query);
      assert.match(err.message, pattern, query);
      return true;
    },
    query,
  );
}

test('missing values and operands say what was expected and where', () => {
  fails('process.name:', 14, /expected a value after ':'/);
  fails('a:b and user.name:  ', 21, /expected a value after ':'/);
  fails('user.name:) x', 11, /expected a value after ':'/);
  fails('user.name:and', 11, /expected a value after ':'.*quote the word/);
  fails('a:b and', 8, /expected a search term after 'and', found end of query/);
  fails('a:b or or', 8, /expected a search term after 'or', found 'or'/);
  fails('a:b ||', 7, /expected a search term after '\|\|'/);
  fails('not', 4, /expected a search term after 'not'/);
  fails('!', 2, /expected a search term after '!'/);
  fails('bytes>', 7, /expected a value after '>'/);
  fails('bytes>=*', 8, /expected a value after '>='/);
  fails('()', 2, /expected a search term, found '\)'/);
  fails('f:()', 4, /expected a value, found '\)'/);
});

test('unbalanced brackets and quotes', () => {
  fails('(a or b', 8, /expected '\)' to close the '\(' from column 1, found end of query/);
  fails('a:(x or (y z)', 14, /expected '\)' to close the '\(' from column 3/);
  fails('a)', 2, /unexpected|found '\)'/);
  fails('a:"open', 3, /unterminated quoted string/);
  fails('"open', 1, /unterminated quoted string/);
  fails('f:[1 TO', 8, /expected a range bound, found end of query/);
  fails('f:[1 2]', 6, /expected 'TO' in the range, found '2'/);
  fails('f:[1 TO 2', 10, /expected '\]' or '\}' to close the range from column 3/);
  fails('f:[a* TO b]', 4, /wildcards are not allowed in a range bound/);
  fails('f:]', 3, /expected a value after ':'/);
});

test('misplaced operators and characters', () => {
  fails('bytes=5', 6, /use ':' to match a field value, not '='/);
  fails('a:1 > 3', 5, /expected an operator .* found '>'/);
  fails('"quoted field":x', 1, /field names are written without quotes/);
  fails('""', 1, /quoted phrase needs at least one word/);
  fails('a:b ]', 5, /found '\]'/);
});

test('escapes', () => {
  fails('C:\\Windows', 3, /'\\W' is not an escape; write '\\\\' for a backslash/);
  fails('a:"x\\n"', 5, /'\\n' is not an escape/);
  fails('a:b\\', 4, /expected a character after '\\'/);
});

test('field names and free text', () => {
  fails("user'name:x", 1, /invalid field name 'user'name'/);
  fails('a*:x', 1, /invalid field name/);
  fails('a..b:x', 1, /invalid field name/);
  fails('.a:x', 1, /invalid field name/);
  fails('a\\ b:x', 1, /invalid field name/);
  fails('*mimi*', 1, /free text '\*mimi\*' may only end in '\*'/);
  fails('mi?i', 1, /may only end in '\*'/);
});

test('pipe stages', () => {
  fails('a |', 4, /expected a command after '\|', found end of query/);
  fails('a | bogus', 5, /unknown pipe command 'bogus' \(known: fields, head, sort, stats, timechart, where\)/);
  fails('a | stats', 10, /expected an aggregation such as count\(\), found end of query/);
  fails('a | stats foo(x)', 11, /unknown aggregation 'foo' \(known: avg, count, count_distinct, max, min, sum\)/);
  fails('a | stats sum()', 15, /expected a field name in sum\(\)/);
  fails('a | stats avg', 14, /expected '\(' after 'avg'/);
  fails('a | stats count( by x', 21, /expected '\)' to close count\(/);
  fails('a | stats count() by', 21, /expected a field name after 'by'/);
  fails("a | stats count() by x'y", 22, /unexpected|invalid field name/);
  fails('a | stats count() as', 21, /expected a field name/);
  fails('a | head x', 10, /expected a number after 'head'/);
  fails('a | head 0', 10, /head takes a number from 1 to 10000/);
  fails('a | head 10001', 10, /head takes a number from 1 to 10000/);
  fails('a | head 5 6', 12, /expected ',', '\|' or end of query/);
  fails('a | sort', 9, /expected a field to sort by/);
  fails('a | sort -', 11, /expected a field name|found end of query/);
  fails('a | fields', 11, /expected a field name after 'fields'/);
  fails('a | fields a,', 14, /expected a field name after 'fields'/);
  fails('a | timechart', 14, /expected a bucket width/);
  fails('a | timechart 1y', 15, /expected a bucket width such as 30s, 5m, 1h or 1d/);
  fails('a | timechart 0m', 15, /expected a bucket width/);
  fails('a | where count', 16, /expected a comparison/);
  fails('a | where count >', 18, /expected a value after '>'/);
  fails('a | stats count() | where count > 5 6', 37, /expected ',', '\|' or end of query/);
});

test('plan errors: names must exist at their point in the pipeline', () => {
  fails('| stats count() by host.name | sort -user.name', 37, /'user.name' is not a column after .*available: host.name, count/, 'query.plan');
  fails('| fields host.name | sort user.name', 27, /'user.name' is not a column after '\| fields'/, 'query.plan');
  fails('| sort -avg(bytes)', 8, /'avg\(bytes\)' is an aggregation; use it after '\| stats'/, 'query.plan');
  fails('| stats count(), count() by x', 18, /column 'count' appears twice/, 'query.plan');
  fails('| stats count() as x by x', 9, /column 'x' appears twice/, 'query.plan');
  fails('| fields a, a', 13, /'a' is listed twice/, 'query.plan');
  fails('| timechart 1h count() | where host.name = x', 32, /'host.name' is not a column/, 'query.plan');
});

test('control characters are refused with their position', () => {
  fails('a:b\u0000', 4, /control character U\+0000 is not allowed/);
  fails('a\u001bb', 2, /control character U\+001B/);
});
