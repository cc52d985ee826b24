// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layering } from './eslint.layering.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.jest-cache/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  layering,
  {
    // Plain CommonJS that runs unbuilt: inside a script run's sandbox (script-launcher.cjs), or
    // preloaded into an app process by a test (test/fixtures/otel-probe.cjs).
    files: ['src/**/*.cjs', 'test/fixtures/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { process: 'readonly', require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
