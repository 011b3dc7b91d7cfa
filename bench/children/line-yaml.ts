import { stringify } from 'yaml';

/** Generated line configs for the virtual-time benchmarks. */

/** A move as written in a job. */
export interface MoveSpec {
  readonly positionMm: number;
  readonly speedMmPerS: number;
}

/** One simulated axis of a generated line. */
export interface AxisSpec {
  readonly id: string;
  readonly seed: number;
  /** Answer delay of the simulated drive, ms. Default 1. */
  readonly latencyMs?: number;
  /** Actual position at power-up, mm. Default 0. */
  readonly initialPositionMm?: number;
  /** Its jobs, each a list of moves, run in order. */
  readonly jobs?: readonly (readonly MoveSpec[])[];
}

/** A fault in the config's `simulation.faults` schedule, as the config writes it. */
export interface ScheduledFault {
  readonly axis: string;
  readonly atMs: number;
  readonly clearAtMs?: number;
  readonly fault: { readonly kind: string; readonly [option: string]: unknown };
}

/** Limits every generated axis shares (mm, mm/s, mm/s²). */
export const LIMITS = { minMm: 0, maxMm: 600, maxSpeedMmPerS: 400, maxAccelMmPerS2: 2000 } as const;

/** What every generated line shares: the demo line's cycle, deadline, breaker and following-error window. */
export const LINE_SETTINGS = {
  periodMs: 10,
  timeoutMs: 20,
  breaker: { consecutiveFailures: 3, cooldownMs: 500, maxCooldownMs: 4000, probesToClose: 3 },
  followingError: { minWindowMm: 1, maxWindowMm: 10, timeMs: 40 },
} as const;

/** A line config as YAML text; every axis simulated. */
export function lineYaml(name: string, axes: readonly AxisSpec[], faults: readonly ScheduledFault[] = []): string {
  const { periodMs, timeoutMs, breaker, followingError } = LINE_SETTINGS;
  return stringify(
    {
      line: name,
      cycle: { periodMs },
      defaults: { timeoutMs, breaker, followingError },
      axes: axes.map((axis) => ({
        id: axis.id,
        driver: { type: 'simulated', seed: axis.seed, latencyMs: axis.latencyMs ?? 1, initialPositionMm: axis.initialPositionMm },
        limits: LIMITS,
      })),
      jobs: axes.flatMap((axis) => (axis.jobs ?? []).map((moves, j) => ({ id: `${axis.id}-job${j + 1}`, axis: axis.id, moves }))),
      simulation: { faults },
    },
    { aliasDuplicateObjects: false },
  ); // shared LIMITS etc. written out, not as anchors: parsers cap the alias count
}

/** `count` moves between 100 mm and 500 mm and back, at `speedMmPerS`. */
export function shuttleMoves(count: number, speedMmPerS: number): MoveSpec[] {
  return Array.from({ length: count }, (_, i) => ({ positionMm: i % 2 === 0 ? 500 : 100, speedMmPerS }));
}
