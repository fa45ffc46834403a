import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'apps/**/*.test.ts',
      'modules/**/*.test.ts',
      'packages/**/*.test.ts',
      'test/**/*.test.ts',
      'deploy/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', 'test/fixtures/**'],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    // PGlite takes a few seconds to start; PostgreSQL suites create a database each.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
