import { parseYamlDocumentsFast } from './dist/src/sigma/loader/yaml-fast.js';
import { findRuleFiles } from './dist/src/sigma/index.js';
import { parseEvents, constructFromEvents, CORE_SCHEMA } from 'js-yaml';
import { readFileSync } from 'node:fs';
const { files } = findRuleFiles(['/work/shared/corpora/sigma/rules']);
let fail = 0;
for (const f of files) { const t = readFileSync(f, 'utf8'); if (!parseYamlDocumentsFast(t, f)) { if (fail++ < 2) { try { const ev = parseEvents(t, {maxDepth: 100}); constructFromEvents(ev, { source: t, schema: CORE_SCHEMA, maxAliases: 100 }); console.log('ok?', f) } catch (e) { console.log(f, e.message) } } } }
console.log(fail, files.length);
