import { FollowingErrorMonitor } from '../../src/breaker/following-error.ts';
import { seededRandom } from '../../src/common/random.ts';
import { parseConfig } from '../../src/config/index.ts';
import type { DriveRequest } from '../../sim/simulated-drive.ts';
import type { FaultKind, Trial, TrialResult, TripRule } from './trip-to-hold-detect.ts';
import { LIMITS, LINE_SETTINGS, lineYaml } from './line-yaml.ts';

/**
 * The trial both trip-to-hold children run, in virtual time (trip-to-hold.ts) and in real time over
 * a pty (trip-to-hold-pty.ts): a fresh one-axis line with the shared LINE_SETTINGS runs a 400 mm
 * move at 300 mm/s and, a seeded random 0–MAX_DELAY_MS after that move command reached the drive,
 * the drive gets the fault. Both take `jam|silent <trials> <seed>` and print one JSON line, TripOutput.
 */

export const AXIS_ID = 'axis1';
/** The axis powers up at START_MM, so its first move is the one under test. */
const START_MM = 100;
const MOVE = { positionMm: 500, speedMmPerS: 300 } as const;
const MAX_DELAY_MS = 1_000;
/** A trial with no hold this long after the injection counts as missed. */
export const GIVE_UP_MS = 10_000;

export const tripConfig = parseConfig(
  lineYaml('trip-to-hold', [{ id: AXIS_ID, seed: 1, initialPositionMm: START_MM, jobs: [[MOVE]] }]),
  'trip-to-hold.yaml',
);

const windowMm = new FollowingErrorMonitor({ ...LINE_SETTINGS.followingError, maxSpeedMmPerS: LIMITS.maxSpeedMmPerS }).limitMm(
  MOVE.speedMmPerS,
);

/**
 * The pty variant's bus and deadline, as in the README's Modbus example: 115200 baud 8E1, an answer
 * given up 20 ms (slack) after its wire time, and a 60 ms call deadline, since a moveTo is four
 * exchanges of ~5 ms here (status read, target write, control word low and high), more than the
 * virtual line's 20 ms allows.
 */
export const PTY_BUS = { baudRate: 115_200, slackMs: 20, timeoutMs: 60 } as const;

/** The trip conditions of the line's breaker: following error at the move's speed, missed deadlines. */
export const TRIP_RULE: TripRule = {
  windowMm,
  timeMs: LINE_SETTINGS.followingError.timeMs,
  consecutiveFailures: LINE_SETTINGS.breaker.consecutiveFailures,
};

/** The move after which the fault comes, as the drive receives it. */
export const isMoveUnderTest = (request: DriveRequest): boolean => request.op === 'moveTo' && request.targetMm === MOVE.positionMm;

/** What a trip-to-hold child prints. Latencies in ms, one per trial that got its hold. */
export interface TripOutput {
  readonly kind: FaultKind;
  readonly trials: number;
  readonly missed: number;
  /** Trials not measured: the line never got the move under way, or something else tripped it (see measureTrial). */
  readonly disturbed: number;
  readonly windowMm: number;
  readonly injectToHold: readonly number[];
  readonly injectToDetectable: readonly number[];
  readonly detectableToHold: readonly number[];
  readonly tripToHold: readonly number[];
  /** Silent: from the deadline of the first missed request of the run that tripped. */
  readonly firstMissToHold?: readonly number[];
}

/** The command line `<script> jam|silent <trials> <seed>`: the fault, and each trial's seeded delay. */
export function tripArgs(script: string): { kind: FaultKind; delaysMs: number[] } {
  const [kind = '', trialsArg = '', seedArg = ''] = process.argv.slice(2);
  const trials = Number(trialsArg);
  if ((kind !== 'jam' && kind !== 'silent') || !Number.isInteger(trials) || trials < 1)
    throw new Error(`usage: ${script} jam|silent <trials> <seed>`);
  const random = seededRandom(Number(seedArg));
  return { kind, delaysMs: Array.from({ length: trials }, () => random() * MAX_DELAY_MS) };
}

/** Prints the trials' latencies as the one JSON line of TripOutput. */
export function printTrips(kind: FaultKind, results: readonly TrialResult[]): void {
  const held = results.filter((r): r is Trial => typeof r === 'object');
  const output: TripOutput = {
    kind,
    trials: results.length,
    missed: results.filter((r) => r === 'missed').length,
    disturbed: results.filter((r) => r === 'disturbed').length,
    windowMm,
    injectToHold: held.map((r) => r.injectToHold),
    injectToDetectable: held.map((r) => r.injectToDetectable),
    detectableToHold: held.map((r) => r.detectableToHold),
    tripToHold: held.map((r) => r.tripToHold),
    ...(kind === 'silent' ? { firstMissToHold: held.flatMap((r) => r.firstMissToHold ?? []) } : {}),
  };
  console.log(JSON.stringify(output));
}
