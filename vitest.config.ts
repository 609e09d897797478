import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    // In-process gateways log at warn so the CI output shows the tests; tests that read logs set their own level.
    env: { AMG_LOG_LEVEL: 'warn' },
  },
});
