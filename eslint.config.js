// Lint: typescript-eslint recommended rules plus import zones that keep the inner
// libraries (core, formats, sigma, query) free of server, storage and network code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const nodeIo = ['node:net', 'node:http', 'node:https', 'node:dgram', 'node:tls', 'node:http2', 'node:child_process', 'better-sqlite3', 'fastify'];
const outerLayers = ['detect', 'storage', 'ingest', 'triage', 'cases', 'playbooks', 'intel', 'assets', 'metrics', 'audit', 'api', 'cli', 'app'];

function innerZone(layer, allowed) {
  const forbidden = ['core', 'formats', 'sigma', 'query', ...outerLayers].filter((l) => l !== layer && !allowed.includes(l));
  return forbidden.map((from) => ({
    target: `./src/${layer}`,
    from: `./src/${from}`,
    message: `src/${layer} is a library layer and may import only ${['core', ...allowed].join(', ')}.`,
  }));
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-restricted-paths': ['error', {
        zones: [
          ...innerZone('core', []).filter((z) => z.from !== './src/core'),
          ...innerZone('formats', ['core']),
          ...innerZone('sigma', ['core']),
          ...innerZone('query', ['core']),
        ],
      }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/formats/**/*.ts', 'src/sigma/**/*.ts', 'src/query/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeIo.map((name) => ({ name, message: 'Library layers do no network or storage I/O.' })),
      }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
