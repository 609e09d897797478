import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// The agent-framework tests need their own package (npm ci --prefix test/frameworks; .ci/run installs it).
// Outside CI a checkout without it skips them, loudly; in CI a missing install fails instead.
const frameworksMissing = !existsSync('test/frameworks/node_modules') && !process.env.CI;
if (frameworksMissing) {
  console.warn('skipping test/frameworks: run "npm ci --prefix test/frameworks" to drive the agent frameworks');
}

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...(frameworksMissing ? ['test/frameworks/**'] : [])],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    // In-process gateways log at warn so the CI output shows the tests; tests that read logs set their own level.
    env: { AMG_LOG_LEVEL: 'warn' },
  },
});
