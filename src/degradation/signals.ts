import type { DriftOptions } from './drift-detector.ts';

/**
 * The signals an axis is watched on, each from what the supervisor already has, each worse when
 * higher:
 * - read_time_ms: how long the drive takes to answer a status read (the driver's own measure, from
 *   the request going out, so a busy bus is not held against the drive); mean per window.
 * - timeout_rate, corrupt_rate, exception_rate: share of a window's exchanges that got no answer,
 *   a corrupt one (CRC, garbled; retried ones included), or a Modbus exception.
 * - following_error_ms: following-error RMS per unit of speed during moves (ms: for a servo that
 *   lags like a first-order system, its lag time constant); per window.
 * - settle_time_ms: from the end of a move's profile to arriving in position; per move.
 */
export const SIGNALS = ['read_time_ms', 'timeout_rate', 'corrupt_rate', 'exception_rate', 'following_error_ms', 'settle_time_ms'] as const;

export type Signal = (typeof SIGNALS)[number];

/**
 * How an axis is watched, line-wide (config `degradation:`): the length of one observation window
 * of the per-window signals, and how many observations each signal learns its baseline from.
 */
export interface WatchTuning {
  readonly windowMs: number;
  readonly warmupObservations: number;
}

/** Five-second windows, two minutes (or 24 moves) of warm-up. */
export const DEFAULT_WATCH: WatchTuning = { windowMs: 5000, warmupObservations: 24 };

/** The fewest samples a window needs before it counts as an observation (a window of a stalled or idle axis says nothing). */
export const MIN_SAMPLES_PER_WINDOW = 10;

const COMMON = { k: 0.5, h: 16, recoverObservations: 12 } as const;

/**
 * Each signal's detector settings (the warm-up is WatchTuning's). Floors: the least
 * change worth a technician's attention, so a noiseless signal is not alarmed by a trifle:
 * half a millisecond or 10 % of an answer time, 2 % of exchanges failing, 10 % more lag or settle time.
 */
export const SIGNAL_OPTIONS: Readonly<Record<Signal, Omit<DriftOptions, 'warmupObservations'>>> = {
  read_time_ms: { ...COMMON, absoluteFloor: 0.5, relativeFloor: 0.1 },
  timeout_rate: { ...COMMON, absoluteFloor: 0.02, relativeFloor: 0 },
  corrupt_rate: { ...COMMON, absoluteFloor: 0.02, relativeFloor: 0 },
  exception_rate: { ...COMMON, absoluteFloor: 0.02, relativeFloor: 0 },
  following_error_ms: { ...COMMON, absoluteFloor: 0.5, relativeFloor: 0.1 },
  settle_time_ms: { ...COMMON, absoluteFloor: 2, relativeFloor: 0.1 },
};

/** A value of `signal` for people: rates in %, times in ms. */
export function formatSignalValue(signal: Signal, value: number): string {
  return signal.endsWith('_rate') ? `${(value * 100).toFixed(1)} %` : `${value.toFixed(2)} ms`;
}

/** A signal's name for people: `read_time_ms` -> `read time`. */
export const signalLabel = (signal: Signal): string =>
  signal.replace(/_(ms|rate)$/, (_m, unit: string) => (unit === 'rate' ? ' rate' : '')).replaceAll('_', ' ');
