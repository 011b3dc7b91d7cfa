import { createRequire } from 'node:module';

const installed = (() => {
  try {
    createRequire(import.meta.url).resolve('johnny-five');
    return true;
  } catch {
    return false;
  }
})();

/**
 * johnny-five is an optional dependency (npm drops it when its serialport 8 build fails). Without
 * it, the tests that run the real johnny-five over a stub board are skipped, except under CI=true,
 * where they run and fail.
 */
export const skipWithoutJohnnyFive = !installed && process.env.CI !== 'true';
