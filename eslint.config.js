// ESLint: typescript-eslint's strict, type-checked rules, and the layering of the repository as
// import rules (npm test runs it; a violation fails CI). Prettier owns the formatting.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Imports a folder may not use, and why (shown in the error). */
const restrict = (patterns) => ['error', { patterns }];
const OURS_EXCEPT_SHARED = [
  { group: ['@consult/sfu', '@consult/server', '@consult/client'], message: 'this package may import only @consult/shared.' },
  { group: ['**/server/src/**', '**/sfu/src/**', '**/client/src/**'], message: 'this package may import only @consult/shared.' },
];
/** What the server's domain may not do: it is pure, with time passed in. */
const IO = [
  { group: ['node:fs', 'node:fs/*', 'fs', 'node:net', 'node:dgram', 'node:http', 'node:https', 'node:child_process', 'node:worker_threads'], message: 'server/src/domain does no I/O.' },
  { group: ['ioredis', 'socket.io', 'fastify', 'mediasoup', '@consult/sfu', 'pino'], message: 'server/src/domain does no I/O.' },
  { group: ['**/store/*', '**/log/*', '**/features/*', '**/signaling/*', '**/http/*', '**/actions/*'], message: 'server/src/domain depends on nothing but shared/ and itself.' },
];

export default defineConfig(
  { ignores: ['**/dist/**', '**/dist-e2e/**', '**/node_modules/**', 'data/**', 'tests/artifacts/**', 'bench/results/**', 'client/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        project: ['shared/tsconfig.json', 'sfu/tsconfig.json', 'server/tsconfig.json', 'client/tsconfig.json', 'bench/tsconfig.json', 'tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // With noUncheckedIndexedAccess every indexed read may be undefined; `!` marks one the code has
      // just established (an index within bounds, a key it has just set or checked).
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Numbers and booleans in template strings read fine; objects do not.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `_name` marks a parameter a signature needs but this implementation does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // An async function given where a callback returning void is expected (event handlers) is fine when it handles its own errors.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      // `void promise` marks a deliberate fire-and-forget.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // `async` without `await` is how a Fastify handler or hook, or an action's `prepare`, says it answers with a promise.
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
  {
    files: ['client/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.test.ts', 'tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests and benchmarks reach into what they check; a failed assertion is the error they report.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Checks against what a browser or a server might really send, whatever the types say.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-unnecessary-type-conversion': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/use-unknown-in-catch-callback-variable': 'off',
    },
  },
  // The layering (STYLE.md): shared imports nothing of ours; sfu and client only shared; the server
  // never mediasoup itself (the SFU boundary); the server's domain does no I/O.
  { files: ['shared/src/**/*.ts'], rules: { 'no-restricted-imports': restrict([{ group: ['@consult/*', '**/server/**', '**/sfu/**', '**/client/**'], message: 'shared/ imports nothing of ours.' }]) } },
  { files: ['sfu/src/**/*.ts', 'client/src/**/*.{ts,tsx}'], rules: { 'no-restricted-imports': restrict(OURS_EXCEPT_SHARED) } },
  { files: ['server/src/**/*.ts'], rules: { 'no-restricted-imports': restrict([{ group: ['mediasoup', 'mediasoup/*'], message: 'the server reaches the SFU through @consult/sfu only.' }]) } },
  { files: ['server/src/domain/**/*.ts'], ignores: ['server/src/domain/**/*.test.ts'], rules: { 'no-restricted-imports': restrict(IO) } },
  prettier,
);
