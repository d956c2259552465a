// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Dependencies point one way: routes -> middleware/controllers -> services -> models. */
const layer = (patterns, message) => ({ group: patterns, message });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'public/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['models/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [layer(['**/server/**', '../server/*'], 'models/ never imports server/.')] }],
    },
  },
  {
    files: ['server/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'express', message: 'Services know nothing of HTTP: no express, no req/res.' }],
          patterns: [layer(['**/routes/**', '**/controllers/**', '**/middleware/**', '**/view-engine/**'], 'Services sit below routes, controllers, middleware and views.')],
        },
      ],
    },
  },
  {
    files: ['server/controllers/**/*.ts', 'server/middleware/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [layer(['**/routes/**'], 'Routes wire controllers, not the other way round.')] }],
    },
  },
  {
    files: ['server/config/**/*.ts', 'server/errors/**/*.ts', 'server/logger.ts', 'server/i18n/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [layer(['**/routes/**', '**/controllers/**', '**/services/**', '**/middleware/**', '**/db/**', '**/models/**'], 'config, errors, i18n and the logger are leaves.')] },
      ],
    },
  },
  {
    files: ['server/db/embedded/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [layer(['**/models/**', '**/services/**', '**/routes/**', '**/controllers/**', 'mongoose'], 'The embedded server is a database: it knows nothing of the app.')] },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'seed/**/*.ts'],
    rules: {
      // Tests and tools drive the real server through its public surface and print results.
      'no-console': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    files: ['*.js', '*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
