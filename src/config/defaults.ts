import { defaultBreakerOptions } from '../breaker/options.ts';
import { JOURNAL_DEFAULTS } from '../journal/index.ts';
import type { AxisConfig, SimulatedDriverConfig } from './types.ts';

/** The per-axis settings that `defaults:` and each axis may override. */
export type AxisSettings = Pick<
  AxisConfig,
  'timeoutMs' | 'inPositionMm' | 'recovery' | 'breaker' | 'followingError' | 'retries' | 'downgrade'
>;

/** Built-in values, used where neither the axis nor `defaults:` says otherwise. */
export const BUILT_IN_AXIS_SETTINGS: AxisSettings = {
  timeoutMs: 20,
  inPositionMm: 0.05,
  recovery: 'auto',
  // The breaker's own defaults, so the config and a breaker built in code cannot drift apart.
  breaker: defaultBreakerOptions,
  followingError: { minWindowMm: 0.5, maxWindowMm: 5, timeMs: 50 },
  // One more try of a corrupt or missing answer, if the deadline covers it: a single CRC error is no trip.
  retries: 1,
  downgrade: { plan: 'warn', derateFactor: 0.5 },
};

/** Built-in values of the simulated driver's options. */
export const SIMULATED_DRIVER_DEFAULTS: Omit<SimulatedDriverConfig, 'type'> = {
  seed: 1,
  latencyMs: 1,
  jitterMs: 0,
  trackingTimeConstantMs: 15,
  initialPositionMm: 0,
};

/** Built-in values of the technician console (`console:`). */
export const CONSOLE_DEFAULTS = {
  /** Where `axisguard run` listens and `axisguard console` connects when no path is given. */
  socketPath: '/tmp/axisguard.sock',
  /** File mode of the socket: owner only. */
  socketMode: '0600',
  /** A logged-in session is logged out after this long without input, s. */
  idleLogoutS: 300,
  /** Events kept in memory for `journal` and `faults`. */
  historySize: 500,
  baudRate: 115_200,
} as const;

/** Baud rates the serial console accepts. */
export const CONSOLE_BAUD_RATES = [1200, 2400, 4800, 9600, 19_200, 38_400, 57_600, 115_200, 230_400] as const;

/** Built-in values of `journal:`: the journal's own, so the config and a journal built in code cannot drift apart. */
export const JOURNAL_CONFIG_DEFAULTS = JOURNAL_DEFAULTS;

/** Bounds of `journal.maxBytes`, bytes: a few records at least, and less than a small SD card. */
export const JOURNAL_MAX_BYTES_RANGE = { min: 64 * 1024, max: 1024 * 1024 * 1024 } as const;

/** Bounds of `journal.keepFiles`. */
export const JOURNAL_KEEP_FILES_RANGE = { min: 1, max: 100 } as const;
