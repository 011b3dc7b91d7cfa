import type { LatencyMeasurement } from './latency-probe.ts';

/**
 * What a latency test's figures mean for a line, as numbers (latency-report.ts puts them in words).
 * Pure: the same figures give the same verdict.
 *
 * The longest a healthy drive can go without a request is one cycle period, plus the worst lateness
 * of the cycle's timer, plus one round of status reads on its bus (every drive on it, each at the
 * worst round trip seen). The product's keep-alive rule is that every healthy drive gets a request
 * within half its comm-loss watchdog, so the watchdog must be at least twice that gap.
 */

/** A drive's comm-loss watchdog must be at least this many times the longest request gap. */
export const WATCHDOG_PER_GAP = 2;

/** One bus's figures. */
export interface BusFigures {
  readonly bus: string;
  /** Drives on the bus, each read once per cycle. */
  readonly drives: number;
  /** Longest answered status read, ms; undefined when no read on the bus was answered. */
  readonly worstRoundTripMs: number | undefined;
}

/** A Modbus drive of the config under test. */
export interface ConfiguredDrive {
  readonly axis: string;
  readonly bus: string;
  readonly unitId: number;
  /** Its profile's commLossTimeoutMs; 0 means the drive's watchdog is off. */
  readonly commLossTimeoutMs: number;
}

/** A configured drive and whether the test reached it. */
export interface DriveUnderTest extends ConfiguredDrive {
  /** Whether at least one of its status reads was answered. */
  readonly answered: boolean;
}

export interface VerdictInput {
  /** The cycle period tested, ms; with a config, its cycle.periodMs. */
  readonly periodMs: number;
  /** Worst lateness seen (periodic timer and event loop), ms. */
  readonly worstLatenessMs: number;
  readonly buses: readonly BusFigures[];
  /** The config under test: its Modbus drives. Absent when no config was given. */
  readonly config?: { readonly drives: readonly DriveUnderTest[] };
}

/** A bus whose reads were answered, at the tested period. */
export interface BusVerdict {
  readonly bus: string;
  readonly drives: number;
  /** Longest answered status read on the bus, ms. */
  readonly worstRoundTripMs: number;
  /** Drives x worst round trip, ms: how long one round of status reads holds the bus. */
  readonly roundMs: number;
  /** Period + worst lateness + round, ms: the longest a healthy drive on this bus goes without a request. */
  readonly longestGapMs: number;
  /** WATCHDOG_PER_GAP x longestGapMs, rounded up to a whole ms. */
  readonly minWatchdogMs: number;
}

/** One thing the config asks of this machine, held (ok) or not. */
export type ConfigCheck =
  | { readonly kind: 'period'; readonly ok: boolean; readonly periodMs: number; readonly neededMs: number }
  | {
      readonly kind: 'watchdog';
      readonly ok: boolean;
      readonly axis: string;
      readonly bus: string;
      readonly unitId: number;
      readonly watchdogMs: number;
      readonly neededMs: number;
    }
  | {
      readonly kind: 'watchdog_off';
      readonly ok: false;
      readonly axis: string;
      readonly bus: string;
      readonly unitId: number;
      readonly neededMs: number;
    }
  | { readonly kind: 'no_answer'; readonly ok: false; readonly axis: string; readonly bus: string; readonly unitId: number };

export interface LatencyVerdict {
  readonly periodMs: number;
  readonly worstLatenessMs: number;
  /**
   * The shortest cycle period this machine holds, whole ms (at least 1): the worst lateness stays
   * within one period (no cycle is skipped outright) and every bus's round of reads fits in one.
   */
  readonly holdablePeriodMs: number;
  /** The longest request gap at periodMs, over the buses that answered; period + lateness without any, ms. */
  readonly longestGapMs: number;
  /** The shortest comm-loss watchdog that keeps the keep-alive rule at periodMs, whole ms. */
  readonly minWatchdogMs: number;
  /** minWatchdogMs - longestGapMs: how much longer than the worst gap such a drive waits before it holds by itself, ms. */
  readonly marginMs: number;
  /** The buses that answered; a bus without a single answer is judged in `checks` (no_answer). */
  readonly buses: readonly BusVerdict[];
  /** The config's demands; empty without a config. */
  readonly checks: readonly ConfigCheck[];
  /** Every check held (true without a config). */
  readonly ok: boolean;
}

// Whole ms, up; the tolerance keeps float noise (2 * 30.000000001) from adding a millisecond.
const ceilMs = (ms: number): number => Math.ceil(ms - 1e-6);

/** The verdict on `input`'s figures. */
export function latencyVerdict(input: VerdictInput): LatencyVerdict {
  const { periodMs, worstLatenessMs } = input;
  const gapMs = (roundMs: number) => periodMs + worstLatenessMs + roundMs;
  const buses: BusVerdict[] = input.buses.flatMap(({ bus, drives, worstRoundTripMs }) => {
    if (worstRoundTripMs === undefined) return [];
    const roundMs = drives * worstRoundTripMs;
    return [
      { bus, drives, worstRoundTripMs, roundMs, longestGapMs: gapMs(roundMs), minWatchdogMs: ceilMs(WATCHDOG_PER_GAP * gapMs(roundMs)) },
    ];
  });
  const longestGapMs = Math.max(gapMs(0), ...buses.map((b) => b.longestGapMs));
  const minWatchdogMs = ceilMs(WATCHDOG_PER_GAP * longestGapMs);
  const holdablePeriodMs = Math.max(1, ceilMs(Math.max(worstLatenessMs, ...buses.map((b) => b.roundMs))));

  const checks: ConfigCheck[] = [];
  if (input.config) {
    checks.push({ kind: 'period', ok: periodMs >= holdablePeriodMs, periodMs, neededMs: holdablePeriodMs });
    for (const drive of input.config.drives) checks.push(checkDrive(drive, buses));
  }
  return {
    periodMs,
    worstLatenessMs,
    holdablePeriodMs,
    longestGapMs,
    minWatchdogMs,
    marginMs: minWatchdogMs - longestGapMs,
    buses,
    checks,
    ok: checks.every((check) => check.ok),
  };
}

function checkDrive(drive: DriveUnderTest, buses: readonly BusVerdict[]): ConfigCheck {
  const { axis, bus, unitId, commLossTimeoutMs } = drive;
  const onBus = buses.find((b) => b.bus === bus);
  if (!drive.answered || !onBus) return { kind: 'no_answer', ok: false, axis, bus, unitId };
  const neededMs = onBus.minWatchdogMs;
  if (commLossTimeoutMs === 0) return { kind: 'watchdog_off', ok: false, axis, bus, unitId, neededMs };
  return { kind: 'watchdog', ok: commLossTimeoutMs >= neededMs, axis, bus, unitId, watchdogMs: commLossTimeoutMs, neededMs };
}

/**
 * The verdict on a measurement: the worst lateness is the larger of the timer's and the event loop's
 * (the loop is sampled every millisecond, so it catches stalls the timer happened not to be due in).
 * `drives`: the config's Modbus drives, undefined without a config.
 */
export function judgeLatency(measurement: LatencyMeasurement, drives: readonly ConfiguredDrive[] | undefined): LatencyVerdict {
  const units = measurement.buses.flatMap((bus) => bus.units.map((unit) => ({ bus: bus.bus, ...unit })));
  const answered = (drive: ConfiguredDrive) => units.some((u) => u.bus === drive.bus && u.unitId === drive.unitId && u.reads > u.failed);
  return latencyVerdict({
    periodMs: measurement.periodMs,
    worstLatenessMs: Math.max(measurement.timer.maxMs ?? 0, measurement.eventLoop.maxMs ?? 0),
    buses: measurement.buses.map((bus) => ({ bus: bus.bus, drives: bus.drives, worstRoundTripMs: bus.maxMs })),
    ...(drives ? { config: { drives: drives.map((drive) => ({ ...drive, answered: answered(drive) })) } } : {}),
  });
}
