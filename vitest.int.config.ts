import { defineConfig } from 'vitest/config';

// Integration tests talk to real services (Kafka, kube-apiserver, ...). They run one file
// at a time because they share those services.
export default defineConfig({
  test: {
    include: ['**/*.int.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'web/**'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
