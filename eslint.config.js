// Lint: typescript-eslint recommended rules plus import zones that keep the inner libraries
// (core, formats, sigma, query) free of server, storage and network code (see docs/ARCHITECTURE.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeIo = ['node:net', 'node:http', 'node:https', 'node:dgram', 'node:tls', 'node:http2', 'node:child_process', 'better-sqlite3', 'fastify'];
const layers = ['core', 'formats', 'sigma', 'query', 'detect', 'storage', 'ingest', 'triage', 'cases', 'playbooks', 'intel', 'assets', 'metrics', 'audit', 'api', 'cli', 'app'];

/** Forbids a library layer from importing any src/ layer except its own and the ones allowed. */
function zone(layer, allowed) {
  const forbidden = layers.filter((l) => l !== layer && l !== 'core' && !allowed.includes(l));
  return {
    files: [`src/${layer}/**/*.ts`],
    ignores: ['**/*.test.ts', '**/testing/**', '**/*.testkit.ts', '**/conformance.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeIo.map((name) => ({ name, message: 'Library layers do no network or storage I/O.' })),
        patterns: [{
          group: forbidden.map((l) => `**/${l}/**`),
          message: `src/${layer} is a library layer and may import only ${['core', ...allowed].join(', ')} (dependencies point inward).`,
        }],
      }],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', '.build-*/**', 'node_modules/**', 'data/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // TypeScript checks names itself; no-undef does not know Node's globals in .ts files.
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  zone('core', []),
  zone('formats', []),
  zone('sigma', []),
  zone('query', []),
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
