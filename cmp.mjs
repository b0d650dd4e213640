import { loadRules } from './dist/src/sigma/index.js';
import assert from 'node:assert/strict';
const dir = '/work/shared/corpora/sigma/rules';
let t = performance.now();
const a = loadRules([dir]);
console.log('fast', performance.now() - t, a.rules.length, a.errors.length); t = performance.now();
const b = loadRules([dir], { yamlParser: 'precise' });
console.log('precise', performance.now() - t, b.rules.length, b.errors.length);
let bad = 0;
for (let i = 0; i < a.rules.length; i++) {
  try { assert.deepEqual(a.rules[i], b.rules[i]); } catch (e) { if (bad++ < 3) console.log(e.message.slice(0, 1500)); }
}
console.log('bad', bad);
