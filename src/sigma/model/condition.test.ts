import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VigilError } from '../../core/errors.js';
import { engineFor, matches } from '../testing/helpers.js';
import { parseCondition } from './condition.js';

const searches = 'sel_a:\n  a: 1\nsel_b:\n  b: 1\nfilter_x:\n  x: 1\n_helper:\n  h: 1\n';
const run = (cond: string, event: Record<string, unknown>) => matches(engineFor(`${searches}condition: ${cond}`), event);

test('and, or, not and parentheses with Sigma precedence (not > and > or)', () => {
  assert.equal(run('sel_a and sel_b', { a: 1, b: 1 }), true);
  assert.equal(run('sel_a and sel_b', { a: 1 }), false);
  assert.equal(run('sel_a or sel_b', { b: 1 }), true);
  assert.equal(run('sel_a and not filter_x', { a: 1, x: 1 }), false);
  assert.equal(run('sel_a and not filter_x', { a: 1 }), true);
  assert.equal(run('sel_a or sel_b and filter_x', { a: 1 }), true);
  assert.equal(run('(sel_a or sel_b) and filter_x', { a: 1 }), false);
  assert.equal(run('not not sel_a', { a: 1 }), true);
  assert.equal(run('NOT sel_a', { a: 2 }), true);
});

test('1 of / all of a pattern and of them (them skips identifiers starting with _)', () => {
  assert.equal(run('1 of sel_*', { b: 1 }), true);
  assert.equal(run('all of sel_*', { b: 1 }), false);
  assert.equal(run('all of sel_*', { a: 1, b: 1 }), true);
  assert.equal(run('1 of sel_* and not 1 of filter_*', { a: 1, x: 1 }), false);
  assert.equal(run('all of them', { a: 1, b: 1, x: 1 }), true);
  assert.equal(run('1 of them', { h: 1 }), false);
  assert.equal(run('1 of _helper', { h: 1 }), true);
});

test('a list of conditions is OR-linked', () => {
  const engine = engineFor(`${searches}condition:\n  - sel_a\n  - sel_b`);
  assert.equal(matches(engine, { b: 1 }), true);
  assert.equal(matches(engine, { x: 1 }), false);
});

test('maps are AND, lists of maps OR, keyword lists search the whole event', () => {
  const e1 = engineFor('sel:\n  - a: 1\n    b: 2\n  - c: 3\ncondition: sel');
  assert.equal(matches(e1, { a: 1, b: 2 }), true);
  assert.equal(matches(e1, { a: 1 }), false);
  assert.equal(matches(e1, { c: 3 }), true);
  const kw = engineFor("keywords:\n  - 'event::clear'\n  - 'event::drop'\ncondition: keywords");
  assert.equal(matches(kw, { msg: 'mimikatz # EVENT::Clear', other: 1 }), true);
  assert.equal(matches(kw, { nested: { deep: ['x', 'event::drop now'] } }), true);
  assert.equal(matches(kw, { msg: 'event clear' }), false);
  const kwAll = engineFor("keywords:\n  '|all':\n    - OabVirtualDirectory\n    - ' -ExternalUrl '\ncondition: keywords");
  assert.equal(matches(kwAll, { a: 'Set-OabVirtualDirectory', b: 'x -ExternalUrl http://' }), true);
  assert.equal(matches(kwAll, { a: 'Set-OabVirtualDirectory' }), false);
});

test('condition syntax errors name the column', () => {
  const cases: [string, RegExp][] = [
    ['sel and', /column 8/],
    ['(sel or x', /expected '\)'.*column 10/],
    ['sel sel2', /unexpected 'sel2'.*column 5/],
    ['sel | count() > 5', /aggregation.*column 5/],
    ['2 of sel*', /only '1 of' and 'all of'/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseCondition(text), (e: unknown) => e instanceof VigilError && re.test(e.message), text);
  }
});

test('hostile conditions fail fast instead of overflowing the stack', () => {
  assert.throws(() => parseCondition('('.repeat(1000) + 'a' + ')'.repeat(1000)), /nests too deeply/);
  assert.throws(() => parseCondition('not '.repeat(1000) + 'a'), /nests too deeply/);
  assert.throws(() => parseCondition('a or '.repeat(5000) + 'a'), /longer than/);
});
