import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/faults/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/setup/temp-dir.ts', 'test/setup/build-renderer.ts'],
    setupFiles: ['test/setup/tmp-cleanup.ts'],
    reporters: ['default'],
  },
});
