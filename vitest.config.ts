import { defineConfig } from 'vitest/config';

/**
 * Every test except the hold-time ones (test/realtime/*.pty.test.ts), which judge request gaps
 * against a drive's comm-loss watchdog and so run afterwards, alone and one file at a time
 * (vitest.realtime.config.ts): the machine's load is then what each test puts on it on purpose.
 */
export const HOLD_TIME_TESTS = 'test/realtime/**/*.pty.test.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [HOLD_TIME_TESTS, '**/node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
  },
});
