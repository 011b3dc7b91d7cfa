import { defineConfig } from 'vitest/config';
import { HOLD_TIME_TESTS } from './vitest.config.ts';

/** The hold-time tests, after the rest (`npm test` runs both): one file at a time, one test at a time. */
export default defineConfig({
  test: {
    include: [HOLD_TIME_TESTS],
    globalSetup: ['test/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
  },
});
