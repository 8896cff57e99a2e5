import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const GRANDFATHERED_COMPLEXITY = {
  'cmd/commands/replay.ts': 23,
  'src/detector/kafka/runtime.ts': 24, 'src/detector/replay.ts': 22, 'src/engine/surge.ts': 46, 'src/events/csv-events.ts': 28,
  'src/events/json-array.ts': 39, 'src/kafka/event-batch.ts': 35, 'src/operator/kube.ts': 23,
  'src/operator/status.ts': 31, 'src/rules/jsonschema.ts': 23, 'src/sim/simulator.ts': 27, 'src/store/series.ts': 30,
  'web/src/views/BacktestPanel.tsx': 25, 'web/src/views/TransactionsView.tsx': 26,
};

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
    // Type-aware rules: the promise nobody awaits, a promise where a callback's result is
    // ignored, awaiting what is not a promise; and a bound on branching per function.
    files: ['**/*.{ts,tsx}'],
    ignores: ['vitest*.config.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      complexity: ['error', { max: 20 }],
    },
  },
  // Functions above the bound when it was introduced, each file held at its current worst so
  // nothing there grows; split the function, then take the file off GRANDFATHERED_COMPLEXITY.
  ...Object.entries(GRANDFATHERED_COMPLEXITY).map(([file, max]) => ({ files: [file], rules: { complexity: ['error', { max }] } })),
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
