import { isDriveCommError, isDriveFaultError } from '../../drivers/errors.ts';
import { FollowingErrorMonitor } from '../breaker/following-error.ts';
import type { TripReason } from '../breaker/transition.ts';
import type { Clock } from '../common/clock.ts';
import type { Event } from '../common/event.ts';
import { VirtualClock } from '../common/virtual-clock.ts';
import type { BuiltLine } from '../compose/build-line.ts';
import type { LoadedLine } from '../compose/load-line.ts';
import type { AxisConfig } from '../config/index.ts';
import { benchSamples, summarize, type BenchRecording } from './bench-metrics.ts';
import { isBenchRefusedError, planBench, type BenchPlan, type BenchRequest } from './bench-plan.ts';
import { readAxisOnce, type AxisReading } from './bench-line.ts';
import {
  describePlan,
  describeResult,
  writeBenchFiles,
  type BenchDocument,
  type BenchOutcome,
  type FollowingErrorWindows,
  type HoldReport,
} from './bench-report.ts';
import { renderBenchSvg } from './bench-svg.ts';
import { PROFILE_COMPLETE, driveProfile } from './drive-profile.ts';
import type { SupervisorEvent } from '../events/events.ts';

/** Exit codes: 0 the profile ran to its end; 1 it was stopped (trip, interrupt, overrun) or failed; 2 refused before anything moved. */
export const BENCH_COMPLETED = 0;
export const BENCH_STOPPED = 1;
export const BENCH_REFUSED = 2;

export interface BenchOptions {
  /** Where the config came from, for the report. */
  readonly source: string;
  readonly axisId: string;
  readonly request: BenchRequest;
  /** Folder for the JSON and SVG files. */
  readonly outDir: string;
  /** Run without asking. */
  readonly assumeYes: boolean;
}

export interface BenchIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  /** Asks the operator; true only for "yes". Undefined when nobody can answer (stdin is not a terminal). */
  readonly confirm: ((question: string) => Promise<boolean>) | undefined;
  /** The operator interrupts (SIGINT, SIGTERM); the payload says how, for the report. */
  readonly onInterrupt: Event<string>;
}

/** For tests: every line the bench builds (the one-read probe, then the test), as soon as it exists. */
export interface BenchHooks {
  readonly onLine?: (line: BuiltLine) => void;
}

/** Trip reasons as the operator reads them. */
const TRIP_WORDS: Readonly<Record<TripReason, string>> = {
  following_error: 'following error',
  consecutive_failures: 'missed deadlines / comm errors in a row',
  failure_ratio: 'too many failed calls',
  alarm: 'drive alarm',
  port_lost: 'port lost',
  stale_sample: 'no status for too long (bus busy)',
  drive_held: 'the drive held by itself',
  isolated: 'isolated',
  probe_failed: 'failed probe',
};

const tripWords = (reason: string): string => TRIP_WORDS[reason as TripReason] ?? reason;

/** "following error 6.8 mm beyond ...", "drive alarm: drive alarm code 7" → without the repeat. */
const tripText = (reason: string, detail: string): string => {
  const words = tripWords(reason);
  return detail.startsWith(words) ? detail : `${words}: ${detail}`;
};

/**
 * `axisguard bench`: reads the axis once, plans a small profile inside its limits, shows it and
 * asks for "yes", then runs it through a supervisor of this one axis (re-sync on power-up, a
 * deadline on every call, trips that hold), records every call and sample, prints the result and
 * writes the JSON and SVG. Returns the exit code.
 */
export async function runBench(
  loaded: LoadedLine,
  options: BenchOptions,
  clock: Clock,
  io: BenchIo,
  hooks: BenchHooks = {},
): Promise<number> {
  const { config, profiles } = loaded;
  const refuse = (why: string) => {
    io.err.write(`axisguard bench: refused: ${why}\n`);
    return BENCH_REFUSED;
  };
  const axis = config.axes.find((a) => a.id === options.axisId);
  if (!axis) return refuse(`no axis '${options.axisId}' in ${options.source} (axes: ${config.axes.map((a) => a.id).join(', ')})`);
  if (clock instanceof VirtualClock && axis.driver.type !== 'simulated')
    return refuse(`--virtual needs a simulated axis; '${axis.id}' is on a ${axis.driver.type} drive`);
  let interrupted: string | undefined;
  const listening = io.onInterrupt((how) => (interrupted ??= how));
  try {
    let first: AxisReading;
    try {
      first = await readAxisOnce(config, axis, clock, profiles, hooks.onLine ?? (() => undefined));
    } catch (error) {
      if (!isDriveCommError(error) && !isDriveFaultError(error)) throw error;
      io.err.write(`axisguard bench: cannot read '${axis.id}': ${error.message}\n`);
      return BENCH_STOPPED;
    }
    if (first.status.alarmCode !== 0) return refuse(`'${axis.id}' reports drive alarm ${first.status.alarmCode}; clear it first`);
    let plan: BenchPlan;
    try {
      plan = planBench(axis, first.status.positionMm, options.request);
    } catch (error) {
      if (!isBenchRefusedError(error)) throw error;
      return refuse(error.message);
    }
    const monitor = new FollowingErrorMonitor({ ...axis.followingError, maxSpeedMmPerS: axis.limits.maxSpeedMmPerS });
    const window: FollowingErrorWindows = { atTestSpeedMm: monitor.limitMm(plan.speedMmPerS), atRestMm: monitor.limitMm(0) };
    io.out.write(`${describePlan(plan, axis, first.family, options.source, window).join('\n')}\n`);
    if (!options.assumeYes) {
      if (!io.confirm) return refuse('stdin is not a terminal, so nobody can confirm; pass --yes to run without confirmation');
      if (!(await io.confirm(`Type yes to run this test on '${axis.id}': `))) return refuse('not confirmed; nothing was enabled or moved');
    }
    if (interrupted) return refuse(`${interrupted} before the test started; nothing was enabled or moved`);
    return await runPlan(loaded, axis, plan, window, options, clock, io, hooks);
  } finally {
    listening.dispose();
  }
}

async function runPlan(
  loaded: LoadedLine,
  axis: AxisConfig,
  plan: BenchPlan,
  window: FollowingErrorWindows,
  options: BenchOptions,
  clock: Clock,
  io: BenchIo,
  hooks: BenchHooks,
): Promise<number> {
  const run = await driveProfile(loaded, axis, plan, clock, io.onInterrupt, hooks.onLine);
  const completed = run.trip === undefined && run.fatal === undefined && run.endReason === PROFILE_COMPLETE;
  const outcome: BenchOutcome = completed
    ? { result: 'completed' }
    : { result: 'stopped', reason: run.trip ? tripText(run.trip.reason, run.trip.detail) : run.endReason };
  const lastHold = run.events.filter((e): e is Extract<SupervisorEvent, { type: 'hold' }> => e.type === 'hold').at(-1);
  const hold: HoldReport | undefined = lastHold && { confirmed: lastHold.acknowledged, detail: lastHold.detail };
  const { recorder, startMs } = run;
  const recording: BenchRecording = {
    startMs,
    stoppedAtMs: run.stoppedAtMs,
    endMs: run.endMs,
    periodMs: loaded.config.cycle.periodMs,
    inPositionMm: axis.inPositionMm,
    fromMm: plan.fromMm,
    plannedMoves: plan.moves,
    calls: recorder.calls,
    samples: recorder.samples,
    movesSent: recorder.moves,
  };
  const summary = summarize(recording);
  const samples = benchSamples(recording);
  const { moves, ...planFigures } = plan;
  const document: BenchDocument = {
    kind: 'axisguard-bench',
    config: options.source,
    line: loaded.config.line,
    axis: axis.id,
    driver: recorder.family,
    clock: clock instanceof VirtualClock ? 'virtual' : 'real',
    limits: axis.limits,
    timeoutMs: axis.timeoutMs,
    inPositionMm: axis.inPositionMm,
    followingError: { ...axis.followingError, window },
    plan: { ...planFigures, moves: moves.length },
    outcome,
    hold,
    summary,
    events: run.events.map((e) => ({ ...e, atMs: e.atMs - startMs })),
    samples,
  };
  const svg = renderBenchSvg({
    title: `axisguard bench: ${axis.id}, ${plan.fromMm.toFixed(3)} <-> ${plan.toMm.toFixed(3)} mm at ${plan.speedMmPerS} mm/s, ${outcome.result}`,
    samples,
    followingErrorLimitMm: window.atTestSpeedMm,
    speedMmPerS: plan.speedMmPerS,
    moveTimesMs: summary.moves.map((m) => m.commandedAtMs),
    ...(run.trip ? { stop: { tMs: run.trip.atMs - startMs, label: `trip: ${tripWords(run.trip.reason)}` } } : {}),
  });
  io.out.write(`\n${describeResult(summary, outcome, hold).join('\n')}\n`);
  const files = writeBenchFiles(options.outDir, axis.id, document, svg);
  io.out.write(`\nwritten: ${files.json}\n         ${files.svg}\n`);
  const { fatal } = run;
  if (fatal !== undefined)
    io.err.write(
      `axisguard bench: internal error, the axis was held: ${fatal instanceof Error ? (fatal.stack ?? fatal.message) : String(fatal)}\n`,
    );
  return completed ? BENCH_COMPLETED : BENCH_STOPPED;
}
