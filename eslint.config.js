// ESLint (flat config): typescript-eslint with type information, import cycles and the layering of
// ../shared/conventions.md — src/http and src/domain never import a feature; domain/ does no I/O.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const FEATURES = [
  'cards',
  'catalogue',
  'certificate-types',
  'credentials',
  'eligibility',
  'health',
  'institutions',
  'recipients',
  'registrations',
  'sandbox',
  'webhooks',
  'synthetic',
  'cli',
];

export default tseslint.config(
  { ignores: ['dist/**', 'src/generated/**', 'console/src/generated/**', 'tests/sdk/generated/**', 'node_modules/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { globals: globals.node, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
    rules: {
      // Fastify plugins and hooks are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
      // Matching control characters is what the text guards and CSV/URL checks are for.
      'no-control-regex': 'off',
      // 全角 spaces in Japanese names and addresses are data.
      'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, properties: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './src/http',
              from: FEATURES.map((f) => `./src/${f}`),
              message: 'src/http is infrastructure: features register with it, it never imports them.',
            },
            {
              target: './src/domain',
              from: ['./src/http', './src/db', ...FEATURES.map((f) => `./src/${f}`)],
              message: 'src/domain holds pure rules: no I/O, no features.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests and benchmarks read JSON answers as `any` on purpose: they assert on them.
    files: ['tests/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    // The console runs in the browser (console/tsconfig.json gives it the DOM types).
    files: ['console/**'],
    languageOptions: { globals: globals.browser },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
