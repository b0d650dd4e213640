import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where the shared public corpora sit: `../shared/corpora` beside the project checkout, resolved from
 * this file (dist/src/core/ or a .build-* twin), so tests, scripts and benchmarks find them from any
 * working directory. For tests, benchmarks and conformance scripts only; libraries never look here.
 */
export const CORPORA = fileURLToPath(new URL('../../../../shared/corpora/', import.meta.url));
export const HAVE_CORPORA = existsSync(CORPORA);
/** node:test `skip` value: false, or the reason the corpus suites are skipped. */
export const SKIP_CORPORA: false | string = HAVE_CORPORA ? false : `../shared/corpora is absent (looked in ${CORPORA})`;
