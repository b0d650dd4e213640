#!/usr/bin/env node
// Slow conformance suites run by CI after `npm test`: the whole SigmaHQ rule set must load, the SigmaHQ
// regression cases must pass, and the EVTX reader must agree with libevtx. Each suite skips with a
// message when its corpus (../shared/corpora) or reference tool is absent.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const corpora = process.env.VIGIL_CORPORA ?? fileURLToPath(new URL('../../shared/corpora/', import.meta.url));
let failed = 0;

function step(name, args) {
  process.stdout.write(`\n== ${name}\n$ node ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`!! ${name} failed (exit ${r.status})\n`);
  }
}

if (!existsSync(corpora)) {
  process.stdout.write(`conformance: ${corpora} not found; skipping the corpus suites\n`);
} else {
  step('SigmaHQ rules load with 0 errors', ['bin/vigil.js', 'rules', 'check', `${corpora}/sigma/rules`]);
  step('SigmaHQ regression cases (JSON records)', ['bin/vigil.js', 'sigma', 'regress', '--rules', `${corpora}/sigma/rules`, '--cases', `${corpora}/sigma-regression`]);
  step('SigmaHQ regression cases (.evtx records through the EVTX reader)', ['bin/vigil.js', 'sigma', 'regress', '--rules', `${corpora}/sigma/rules`, '--cases', `${corpora}/sigma-regression`, '--source', 'evtx']);
  if (existsSync(`${root}/dist/src/formats/evtx/conformance.js`)) step('EVTX reader against libevtx evtxexport', ['dist/src/formats/evtx/conformance.js']);
}
process.exitCode = failed > 0 ? 1 : 0;
