import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AhoCorasick } from './aho-corasick.js';

function findAll(literals: string[], text: string): string[] {
  const ac = new AhoCorasick();
  literals.forEach((l, i) => ac.add(l, i));
  ac.build();
  const found = new Set<string>();
  ac.search(text, (id) => found.add(literals[id]!));
  return [...found].sort();
}

function naive(literals: string[], text: string): string[] {
  return [...new Set(literals.filter((l) => text.includes(l)))].sort();
}

test('finds overlapping literals, suffixes reached through failure links and non-ASCII text', () => {
  assert.deepEqual(findAll(['he', 'she', 'his', 'hers'], 'ushers'), ['he', 'hers', 'she']);
  assert.deepEqual(findAll(['\\cmd.exe', 'cmd', '.exe'], 'c:\\windows\\cmd.exe'), ['.exe', '\\cmd.exe', 'cmd']);
  assert.deepEqual(findAll(['–exec', 'ﬁle', 'x', 'y'], 'run –exec on ﬁle'), ['x', '–exec', 'ﬁle']);
  assert.deepEqual(findAll(['abc'], ''), []);
});

test('agrees with a naive substring search on pseudo-random literals and texts', () => {
  let seed = 42;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  const alphabet = 'ab\\.c\u00e9';
  const word = (len: number) => Array.from({ length: len }, () => alphabet[rand(alphabet.length)]).join('');
  for (let round = 0; round < 200; round++) {
    const literals = [...new Set(Array.from({ length: 1 + rand(12) }, () => word(1 + rand(5))))];
    const text = word(rand(60));
    assert.deepEqual(findAll(literals, text), naive(literals, text), `${JSON.stringify(literals)} in ${JSON.stringify(text)}`);
  }
});

test('agrees with a naive search when the trie is deeper than its dense rows (sparse states, failure links, reports)', () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  const alphabet = 'abcd\\.\u00e9';
  const word = (len: number) => Array.from({ length: len }, () => alphabet[rand(alphabet.length)]).join('');
  // About 3,000 literals of up to 12 characters: well over the 1,024 states that get dense rows.
  const literals = [...new Set(Array.from({ length: 3000 }, () => word(2 + rand(11))))];
  const ac = new AhoCorasick();
  literals.forEach((l, i) => ac.add(l, i));
  assert.ok(ac.size > 4096, `${ac.size} states`);
  for (let round = 0; round < 300; round++) {
    const text = word(rand(200));
    const found = new Set<string>();
    ac.search(text, (id) => found.add(literals[id]!));
    assert.deepEqual([...found].sort(), naive(literals, text), JSON.stringify(text));
  }
});

test('a caseless automaton finds its literals in the lower case of the text, short or long, ASCII or not', () => {
  let seed = 11;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  // \u212a (Kelvin sign) lower-cases to ASCII k, \u0130 to "i\u0307": text that is not ASCII takes the lower-cased path.
  const alphabet = 'aAbBkK\\.-i\u00e9\u00c9\u212a\u0130';
  const word = (len: number) => Array.from({ length: len }, () => alphabet[rand(alphabet.length)]).join('');
  const ascii = (len: number) => Array.from({ length: len }, () => 'aAbBkK\\.-i'[rand(10)]).join('');
  const literals = [...new Set(Array.from({ length: 400 }, () => word(1 + rand(6))))];
  const ac = new AhoCorasick({ caseless: true });
  literals.forEach((l, i) => ac.add(l, i));
  for (let round = 0; round < 600; round++) {
    const text = round % 2 ? ascii(rand(120)) : word(rand(120));
    const found = new Set<string>();
    ac.search(text, (id) => found.add(literals[id]!.toLowerCase()));
    const lower = text.toLowerCase();
    const expected = [...new Set(literals.map((l) => l.toLowerCase()).filter((l) => lower.includes(l)))].sort();
    assert.deepEqual([...found].sort(), expected, JSON.stringify(text));
  }
  const big = new AhoCorasick({ caseless: true });
  big.add('MiMiKaTz', 0);
  const seen: number[] = [];
  big.search('x'.repeat(5000) + 'C:\\Tools\\MIMIKATZ.EXE', (id) => seen.push(id));
  assert.deepEqual(seen, [0]);
});
