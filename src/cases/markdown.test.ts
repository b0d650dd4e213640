import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defang, mdBlock, mdInline, mdTable } from './markdown.js';

test('mdInline disarms links, images, HTML, emphasis, code, tables and autolinks but keeps plain punctuation', () => {
  assert.equal(mdInline('[x](javascript:alert(1))'), '\\[x\\](javascript:alert(1))');
  assert.equal(mdInline('![i](http://t/x.png)'), '!\\[i\\](http\\://t/x.png)');
  assert.equal(mdInline('<img src=x onerror=alert(1)> & &lt;'), '&lt;img src=x onerror=alert(1)&gt; &amp; &amp;lt;');
  assert.equal(mdInline('**b** _i_ `c` ~~s~~ a|b'), '\\*\\*b\\*\\* \\_i\\_ \\`c\\` \\~\\~s\\~\\~ a\\|b');
  assert.equal(mdInline('see www.evil.example'), 'see www\\.evil.example');
  assert.equal(mdInline('e-mail, user: a.b (ok)?'), 'e-mail, user: a.b (ok)?');
  assert.equal(mdInline('a\nb\r\nc\u0007'), 'a b c');
  assert.equal(mdInline('back\\slash'), 'back\\\\slash');
});

test('mdBlock: no line can start a heading, list, quote, fence or thematic break', () => {
  const out = mdBlock('# h\n- item\n1. first\n> quote\n```\n---\n    indented\n\nnext paragraph');
  assert.equal(out, '\\# h\\\n\\- item\\\n1\\. first\\\n&gt; quote\\\n\\`\\`\\`\\\n\\---\\\nindented\n\nnext paragraph');
  for (const line of out.split('\n')) assert.ok(!/^(#|-|\d+\.|>|```| {4})/.test(line), line);
});

test('defang and tables', () => {
  assert.equal(defang('https://evil.example/a'), 'hxxps://evil[.]example/a');
  assert.equal(defang('bob@corp.example'), 'bob[@]corp[.]example');
  assert.equal(mdTable(['a', 'b'], [['1', '2']]), '| a | b |\n| --- | --- |\n| 1 | 2 |');
});
