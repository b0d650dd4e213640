#!/usr/bin/env node
// Entry point: runs the compiled CLI. `npm install` builds dist/ through the `prepare` script.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('vigil: dist/ is missing; run `npm install` (or `npm run build`) in the project folder first.');
  process.exit(2);
}
const { run } = await import(main.href);
process.exitCode = await run(process.argv);
