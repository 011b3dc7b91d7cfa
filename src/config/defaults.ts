import type { AxisConfig, SimulatedDriverConfig } from './types.ts';

/** The per-axis settings that `defaults:` and each axis may override. */
export type AxisSettings = Pick<AxisConfig, 'timeoutMs' | 'inPositionMm' | 'recovery' | 'breaker' | 'followingError'>;

/** Built-in values, used where neither the axis nor `defaults:` says otherwise. */
export const BUILT_IN_AXIS_SETTINGS: AxisSettings = {
  timeoutMs: 20,
  inPositionMm: 0.05,
  recovery: 'auto',
  breaker: {
    consecutiveFailures: 3,
    failureRatio: { threshold: 0.5, windowSize: 20, minimumCalls: 10 },
    cooldownMs: 500,
    backoffFactor: 2,
    maxCooldownMs: 10_000,
    probesToClose: 3,
  },
  followingError: { minWindowMm: 0.5, maxWindowMm: 5, timeMs: 50 },
};

/** Built-in values of the simulated driver's options. */
export const SIMULATED_DRIVER_DEFAULTS: Omit<SimulatedDriverConfig, 'type'> = {
  seed: 1,
  latencyMs: 1,
  jitterMs: 0,
  trackingTimeConstantMs: 15,
  initialPositionMm: 0,
};
