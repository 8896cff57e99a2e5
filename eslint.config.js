import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The engine is the pure core: no I/O, no clock, no randomness of its own.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'net', 'http', 'kafkajs', 'fastify', 'mongodb', '@kubernetes/*'] }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Time is an argument to the engine.' },
        { object: 'Math', property: 'random', message: 'The engine is deterministic.' }],
    },
  },
  {
    // The web app: the rules of hooks, and no stray console output in the browser.
    files: ['web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, 'no-console': 'error' },
  },
);
