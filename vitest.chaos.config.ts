import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * `npm run test:chaos`: the fault-injection suites of test/reliability with many repetitions, each
 * bounded by its time budget (CHAOS_BUDGET_SECONDS overrides it, CHAOS_REPETITIONS the count,
 * CHAOS_SEED the random kill moments). One file at a time, so one suite's load does not skew
 * another's kill moments; figures go to test-output/reliability/, and when the run ends, passed
 * or failed, into RELIABILITY.md.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/reliability/**/*.test.ts'],
    globalSetup: [...[base.test?.globalSetup ?? []].flat(), 'test/reliability/chaos-report.ts'],
    fileParallelism: false,
    testTimeout: 1_800_000,
    env: { ...base.test?.env, REPLYWATCH_CHAOS: '1' },
  },
});
