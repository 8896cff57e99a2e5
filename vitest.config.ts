import { defineConfig } from 'vitest/config';

// Unit tests: fast, no network. Integration tests (*.int.test.ts) run against real
// services through vitest.int.config.ts, started by the make targets in mk/*.mk.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'monitoring/**/*.test.ts', 'test/**/*.test.ts', 'cmd/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/*.int.test.ts', '**/node_modules/**', 'dist/**', 'web/**'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
