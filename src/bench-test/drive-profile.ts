import type { AxisConfig } from '../config/index.ts';
import type { Clock } from '../common/clock.ts';
import type { Event } from '../common/event.ts';
import { onClock } from '../common/on-clock.ts';
import type { BuiltLine } from '../compose/build-line.ts';
import type { LoadedLine } from '../compose/load-line.ts';
import type { SupervisorEvent } from '../events/events.ts';
import { buildAxisLine, watchUntilStill } from './bench-line.ts';
import type { BenchPlan } from './bench-plan.ts';
import { CallRecorder } from './call-recorder.ts';

/** The job that carries the profile through the supervisor. */
const BENCH_JOB = 'bench';
/** The axis must re-sync within this of where the test was planned from, mm, or the test stops unmoved. */
const START_TOLERANCE_MM = 1;
/** A test running past twice its estimate plus this is stopped (the re-sync alone may take 2 × 3 s), ms. */
const OVERRUN_SLACK_MS = 10_000;

/** The end reason of a profile that ran to its end. */
export const PROFILE_COMPLETE = 'profile complete';

/** What happened while the profile ran. Times in ms on the bench's Clock. */
export interface ProfileRun {
  readonly recorder: CallRecorder;
  readonly startMs: number;
  readonly stoppedAtMs: number;
  readonly endMs: number;
  readonly events: readonly SupervisorEvent[];
  readonly trip: Extract<SupervisorEvent, { type: 'trip' }> | undefined;
  readonly fatal: unknown;
  readonly endReason: string;
}

/**
 * Builds the one-axis line with the profile as its only job and a recorder around the driver, runs
 * it until the job is done or parked (a trip), an interrupt, an overrun or a re-sync away from the
 * planned start; then the supervisor holds the axis and the bench watches it come to rest.
 */
export async function driveProfile(
  loaded: LoadedLine,
  axis: AxisConfig,
  plan: BenchPlan,
  clock: Clock,
  onInterrupt: Event<string>,
  onLine: ((line: BuiltLine) => void) | undefined,
): Promise<ProfileRun> {
  const { config, profiles } = loaded;
  const job = { id: BENCH_JOB, axis: axis.id, moves: plan.moves };
  const { line, driver: recorder } = buildAxisLine(config, axis, [job], clock, profiles, (_id, inner) => new CallRecorder(inner, clock));
  onLine?.(line);
  const supervisor = line.supervisor;
  const events: SupervisorEvent[] = [];
  let trip: ProfileRun['trip'];
  let fatal: unknown;
  let endReason: string | undefined;
  let stoppedAtMs = Number.NaN;
  let stopped: Promise<void> = Promise.resolve();
  let ended!: () => void;
  const end = new Promise<void>((resolve) => (ended = resolve));
  const stop = (reason: string) => {
    if (endReason !== undefined) return;
    endReason = reason;
    stoppedAtMs = clock.now();
    stopped = supervisor.stop(reason);
    ended();
  };
  // From a supervisor event, stop after its emit has returned: subscribers never call back into it.
  const stopSoon = (reason: string) => queueMicrotask(() => stop(reason));
  supervisor.onEvent((event) => {
    events.push(event);
    if (event.type === 'trip') trip ??= event;
    if ((event.type === 'job_done' || event.type === 'job_parked') && supervisor.isSettled())
      stopSoon(event.type === 'job_done' ? PROFILE_COMPLETE : 'job parked');
    if (event.type === 'resync' && Math.abs(event.positionMm - plan.fromMm) > START_TOLERANCE_MM) {
      stopSoon(
        `'${axis.id}' re-synced at ${event.positionMm.toFixed(3)} mm, not at ${plan.fromMm.toFixed(3)} mm where the test was planned; no test move was made, run it again`,
      );
    }
  });
  supervisor.onFatal((error) => {
    fatal ??= error;
    stop('internal error');
  });
  const interruption = onInterrupt(stop);
  const overrunMs = 2 * plan.estimatedMs + OVERRUN_SLACK_MS;
  const overrun = clock.setTimer(
    () => stop(`still running ${(overrunMs / 1000).toFixed(1)} s after the start (estimate ${(plan.estimatedMs / 1000).toFixed(1)} s)`),
    overrunMs,
  );
  const startMs = clock.now();
  try {
    await onClock(clock, line.openBuses());
    supervisor.start();
    await onClock(clock, end);
    await onClock(clock, stopped);
    await onClock(clock, watchUntilStill(recorder, clock, axis.timeoutMs, config.cycle.periodMs));
  } finally {
    overrun.dispose();
    interruption.dispose();
    await line.close();
  }
  return { recorder, startMs, stoppedAtMs, endMs: clock.now(), events, trip, fatal, endReason: endReason ?? 'ended' };
}
