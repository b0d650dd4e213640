import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPORA, SKIP_CORPORA } from '../../core/corpora.js';
import type { EventObject } from '../../core/event.js';
import { readJsonValues } from '../../formats/jsonseq/read.js';
import { loadPipeline } from '../pipeline/load.js';
import { SigmaEngine } from '../engine/engine.js';
import { runRegression } from '../regress.js';
import { decodeRuleSet, encodeRuleSet, loadRulesCached, ruleCacheDir } from './cache.js';
import { loadRules, type RuleSet } from './load.js';

const rule = (title: string, id: string, value: string) =>
  `title: ${title}\nid: ${id}\nstatus: test\nlevel: high\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel:\n    Image|endswith: '${value}'\n  condition: sel\n`;

function fixture(): { rules: string; cache: string } {
  const rules = mkdtempSync(join(tmpdir(), 'vigil-rc-rules-'));
  writeFileSync(join(rules, 'a.yml'), rule('A', '6f3e2987-db24-4c78-a860-b4f4095a7095', '\\a.exe'));
  writeFileSync(join(rules, 'b.yml'), 'title: bad\nlogsource: {product: windows}\ndetection:\n  sel:\n    Image|contians: x\n  condition: sel\n');
  writeFileSync(join(rules, 'c.yml'), rule('C', '0e95725d-7320-415d-80f7-004da920fc11', '%x%').replace('endswith', 'expand'));
  return { rules, cache: mkdtempSync(join(tmpdir(), 'vigil-rc-cache-')) };
}

/** Everything a caller sees of a rule set, errors by class, code, text and location. */
function view(set: RuleSet) {
  return { ...set, errors: set.errors.map((e) => ({ isVigil: e.constructor.name, code: e.code, text: e.describe(), location: e.location })) };
}

test('a second load reads the cache and gives the same rule set as loadRules', () => {
  const { rules, cache } = fixture();
  const paths = [rules, join(rules, 'missing.yml')];
  const fresh = loadRules(paths);
  assert.equal(fresh.errors.length, 2, 'a bad modifier and a missing path');
  const first = loadRulesCached(paths, {}, { dir: cache });
  assert.equal(first.cache.status, 'miss');
  const second = loadRulesCached(paths, {}, { dir: cache });
  assert.equal(second.cache.status, 'hit');
  const { cache: _a, ...a } = first;
  const { cache: _b, ...b } = second;
  assert.deepStrictEqual(view(a), view(fresh));
  assert.deepStrictEqual(view(b), view(fresh));
  assert.ok(second.rules.every((r) => r.type !== 'rule' || r.detection.searches instanceof Map));
});

test('a changed rule file, other options or other paths are misses, never stale hits', () => {
  const { rules, cache } = fixture();
  assert.equal(loadRulesCached([rules], {}, { dir: cache }).cache.status, 'miss');
  assert.equal(loadRulesCached([rules], {}, { dir: cache }).cache.status, 'hit');

  const withValues = loadRulesCached([rules], { placeholders: { x: ['\\y.exe'] } }, { dir: cache });
  assert.equal(withValues.cache.status, 'miss');
  assert.equal(withValues.placeholders.length, loadRules([rules], { placeholders: { x: ['\\y.exe'] } }).placeholders.length);
  assert.equal(loadRulesCached([join(rules, 'a.yml')], {}, { dir: cache }).cache.status, 'miss');

  // Same size, new content and mtime: the title must be the new one.
  const a = join(rules, 'a.yml');
  writeFileSync(a, readFileSync(a, 'utf8').replace('title: A', 'title: Z'));
  const later = new Date(Date.now() + 5_000);
  utimesSync(a, later, later);
  const changed = loadRulesCached([rules], {}, { dir: cache });
  assert.equal(changed.cache.status, 'miss');
  assert.ok(changed.rules.some((r) => r.title === 'Z'));
  assert.equal(loadRulesCached([rules], {}, { dir: cache }).cache.status, 'hit');

  writeFileSync(join(rules, 'd.yml'), rule('D', '2c9b3a04-51c3-4f53-9a4e-2fd1b9d1e7c0', '\\d.exe'));
  const added = loadRulesCached([rules], {}, { dir: cache });
  assert.equal(added.cache.status, 'miss');
  assert.equal(added.files, 4);
});

test('a corrupt, truncated or foreign cache file is ignored and rewritten', () => {
  const { rules, cache } = fixture();
  const expected = view(loadRules([rules]));
  const first = loadRulesCached([rules], {}, { dir: cache });
  const file = first.cache.file!;
  const good = readFileSync(file);
  const damage = [
    (b: Buffer) => { b[b.length - 3]! ^= 0x40; return b; }, // payload bit flip: checksum catches it
    (b: Buffer) => b.subarray(0, b.length - 100),
    (b: Buffer) => b.subarray(0, 20),
    () => Buffer.from('not a cache file'),
    (b: Buffer) => { b[9]! ^= 1; return b; }, // key byte
  ];
  for (const d of damage) {
    writeFileSync(file, d(Buffer.from(good)));
    const r = loadRulesCached([rules], {}, { dir: cache });
    assert.equal(r.cache.status, 'miss');
    const { cache: _c, ...set } = r;
    assert.deepStrictEqual(view(set), expected);
    assert.deepEqual(readFileSync(file), good, 'rewritten whole');
    assert.equal(loadRulesCached([rules], {}, { dir: cache }).cache.status, 'hit');
  }
  assert.deepEqual(readdirSync(cache).filter((n) => n.endsWith('.tmp')), [], 'no temp files left');
});

test('enabled: false neither reads nor writes; the folder defaults follow VIGIL_CACHE_DIR and XDG_CACHE_HOME', () => {
  const { rules, cache } = fixture();
  const r = loadRulesCached([rules], {}, { dir: cache, enabled: false });
  assert.equal(r.cache.status, 'off');
  assert.deepEqual(readdirSync(cache), []);
  assert.equal(ruleCacheDir({ VIGIL_CACHE_DIR: '/x/y', XDG_CACHE_HOME: '/z' }), '/x/y');
  assert.equal(ruleCacheDir({ XDG_CACHE_HOME: '/z' }), '/z/vigil');
  assert.match(ruleCacheDir({}), /\.cache\/vigil$/);
});

test('an unwritable cache folder is a warning, the rules still load', () => {
  const { rules } = fixture();
  const blocker = join(mkdtempSync(join(tmpdir(), 'vigil-rc-')), 'file');
  writeFileSync(blocker, 'x');
  const r = loadRulesCached([rules], {}, { dir: join(blocker, 'sub') });
  assert.equal(r.cache.status, 'miss');
  assert.match(r.cache.warning ?? '', /cannot write the rule cache/);
  assert.equal(r.rules.length, loadRules([rules]).rules.length);
});

test('all SigmaHQ rules: cached rules equal parsed ones and pass the same regression cases', { skip: SKIP_CORPORA }, () => {
  const paths = [join(CORPORA, 'sigma', 'rules')];
  const cache = mkdtempSync(join(tmpdir(), 'vigil-rc-cache-'));
  const parsed = loadRules(paths);
  assert.equal(loadRulesCached(paths, {}, { dir: cache }).cache.status, 'miss');
  const { cache: report, ...cached } = loadRulesCached(paths, {}, { dir: cache });
  assert.equal(report.status, 'hit');
  assert.deepStrictEqual(view(cached), view(parsed));
  assert.deepStrictEqual(view(decodeRuleSet(encodeRuleSet(parsed))), view(parsed));

  const pipeline = loadPipeline('windows-evtx');
  const casesDir = join(CORPORA, 'sigma-regression');
  const events = (c: { dir: string; ruleId: string }) => {
    const file = join(c.dir, `${c.ruleId}.json`);
    if (!existsSync(file)) return undefined;
    return [...readJsonValues(readFileSync(file, 'utf8'), file)].map((v) => {
      if (v instanceof Error) throw v;
      return v.value as EventObject;
    });
  };
  const fromYaml = runRegression(SigmaEngine.compile(parsed.rules, pipeline), casesDir, events, false);
  const fromCache = runRegression(SigmaEngine.compile(cached.rules, pipeline), casesDir, events, false);
  assert.equal(fromYaml.passed, 101);
  assert.deepStrictEqual(fromCache, fromYaml);
});
