import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/remove-temp-dirs.ts'],
    // Real dbt builds and real processes: generous, never a measure of speed.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    env: {
      // A zone that is neither UTC nor India, so nothing can lean on the machine's local time.
      TZ: 'America/Sao_Paulo',
      REPLYWATCH_NOW: '2026-11-27T12:00:00+05:30',
    },
  },
});
