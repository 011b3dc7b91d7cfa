import { packageVersion } from '../console/version.ts';
import { RealClock, type Clock, type ClockTimer } from '../common/clock.ts';
import type { Disposable } from '../common/disposable.ts';
import type { Logger } from 'pino';
import { claimCyclePriority, describeCyclePriority } from '../realtime/cycle-priority.ts';
import { capHelperThreads, describeHelperCap, type HelperGroup } from '../realtime/helper-cap.ts';
import { helperThreadIds, lowerHelperThreads } from '../realtime/helper-threads.ts';
import { inlineWhereCpuAllows } from '../realtime/jit-inlining.ts';
import { describeCpuPinning, keepThreadsOnOneCpu } from '../realtime/one-cpu.ts';
import { settleHeap } from '../realtime/settle-heap.ts';
import { onClock } from '../common/on-clock.ts';
import { isConsoleStartError } from '../console/errors.ts';
import type { SupervisorEvent } from '../events/events.ts';
import { isMetricsServeError, observeLine, type ObservedLine } from '../observability/index.ts';
import { fatalEvent } from '../service/events.ts';
import { startRunService } from '../service/run-service.ts';
import { buildLine, isMissingOptionalDriver } from './build-line.ts';
import { retakeIsolations } from './durable-line.ts';
import { playFaultSchedule } from './fault-schedule.ts';
import { lineConsole } from './line-console.ts';
import { lineEdgeNode } from './line-edge-node.ts';
import type { EdgeNode } from '../sparkplug/edge-node.ts';
import { isMqttStartError } from '../sparkplug/errors.ts';
import type { LoadedLine } from './load-line.ts';
import type { RunDisplay } from './run-display.ts';
import { settledEndReason, type UntilMode } from './run-end.ts';
import { tellRunEnd, type FailedStart, type RunEnding } from './run-ending.ts';
import { isRunJournalRefusal, openRunJournal, type RunJournal } from './run-journal.ts';
import { runClock, runClockUntil } from './run-clock.ts';
import { createRunLogger } from './run-logger.ts';
import { RunRecorder } from './run-recorder.ts';
import { runStartRecord } from './run-records.ts';

/** How to run a loaded line (the flags of `axisguard run`). */
export interface RunningLineOptions {
  /** The config's path: recorded (with its SHA-256) in run_start and config_load. */
  readonly source: string;
  /** The journal's path; undefined: the config's journal.path, if any. */
  readonly journalPath: string | undefined;
  /** On the virtual clock, as fast as the timers allow. */
  readonly virtual: boolean;
  /** A new line state on purpose instead of the one the journal holds. */
  readonly fresh: boolean;
  readonly until: UntilMode | undefined;
  /** End after this long (virtual or real seconds); undefined: no such bound. */
  readonly durationS: number | undefined;
}

/** Where a running line writes and what it asks of its caller. */
export interface RunningLineIo {
  /** The log's stream (JSON lines), and a failed start's words when the log is silenced. */
  readonly err: NodeJS.WritableStream;
  readonly display: RunDisplay;
  /** The exit code an ending maps to: run_end records it, and the closing log line gives it. */
  readonly exitCodeOf: (ending: RunEnding) => number;
  /** Ends the process at once, failing: the end of the run passed its bound (see startRunService). */
  readonly exit: () => void;
}

/** How a run went: refused before anything of the line was built, or ended (with the exit code exitCodeOf gave). */
export type RunOutcome =
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'ended'; readonly ending: RunEnding; readonly exitCode: number };

/**
 * The composition root of a running line, for a loaded and checked config: opens the journal, builds
 * the line, wires the log, the fault schedule, the console, metrics, systemd and the signals around
 * it, and drives it until every job is done or parked, the duration ends, or SIGINT/SIGTERM arrives;
 * then holds every axis, tells how the run ended and closes the journal.
 */
export async function runLine({ config, profiles }: LoadedLine, options: RunningLineOptions, io: RunningLineIo): Promise<RunOutcome> {
  const { source } = options;
  const { display } = io;
  const clock = runClock(options.virtual);
  let opened: RunJournal;
  try {
    opened = await openRunJournal(config, options.journalPath ?? config.journal?.path, options.fresh, clock);
  } catch (error) {
    if (!isRunJournalRefusal(error)) throw error;
    return { kind: 'refused', message: error.message };
  }
  const { logLevel, durable, journal } = opened;

  const startMs = clock.now();
  const line = buildLine(config, clock, profiles);
  const supervisor = line.supervisor;
  const { logger, startFailed } = createRunLogger(logLevel, io.err, display.live);
  let observed: ObservedLine | undefined;
  let edgeNode: EdgeNode | undefined;
  let crashed = false;
  let endReason: string | undefined;
  let endRequested!: () => void;
  const ended = new Promise<void>((resolve) => (endRequested = resolve));
  const requestEnd = (reason: string) => {
    endReason ??= reason;
    endRequested();
  };

  const recorder = new RunRecorder(journal, durable, logger, display);
  const { record } = recorder;
  journal?.onWriteError((f) =>
    logger.error(
      { event: 'journal_write_error', writeErrors: f.writeErrors, err: f.error },
      `journal write failed (${f.writeErrors} so far): ${f.error.message}`,
    ),
  );
  // The run's first record, before anything else of it.
  const runStart = runStartRecord(clock.now(), source, options.fresh);
  record(runStart);
  record({ type: 'config_load', atMs: clock.now(), source, line: config.line, axes: config.axes.length, jobs: config.jobs.length });
  // The state this run starts from, whole: a restore folds from here on.
  journal?.append(durable.checkpoint(clock.now()));
  supervisor.onEvent((event: SupervisorEvent) => {
    record(event);
    // isSettled() is a counter; the job list is only built once nothing is open any more.
    if ((event.type !== 'job_done' && event.type !== 'job_parked') || !supervisor.isSettled()) return;
    const reason = settledEndReason(supervisor.jobs(), config.console !== undefined, options.until);
    if (reason) requestEnd(reason);
  });
  // Timers from here on (fault schedule, duration, redraw): every one is disposed in stopServing.
  const faults = playFaultSchedule(config.simulation.faults, line.simulators, clock, startMs);
  faults.onFault(record);
  line.onBusEvent(record);
  const consoleHost = lineConsole(config, line, clock, startMs, faults.onFault);
  consoleHost?.onEvent(record);
  const durationTimer =
    options.durationS === undefined ? undefined : clock.setTimer(() => requestEnd('duration reached'), options.durationS * 1000);
  /** Keeps the helper threads below the main thread while the line runs in real time (set at start). */
  let helperThreads: Disposable | undefined;
  const onSignal = (signal: NodeJS.Signals) => requestEnd(`${signal} received`);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  display.watch({
    elapsedMs: () => clock.now() - startMs,
    axes: () => supervisor.snapshot(),
    busesDown: () => recorder.tally.busesDown(),
  });
  // Fatal errors (supervisor, uncaught, unhandled), the stop bound and sd_notify: see src/service/run-service.ts.
  const service = startRunService({
    clock,
    stopClock: new RealClock(),
    supervisor,
    periodMs: config.cycle.periodMs,
    env: process.env,
    record,
    onFatal: () => {
      crashed = true;
      requestEnd('internal error');
    },
    exit: io.exit,
    warn: (message) => logger.warn(`axisguard: ${message}`),
  });
  /** An error nobody else handles ends the run like a crash: a `fatal` record with its stack, exit code 1. */
  const crash = (error: unknown) => {
    record(fatalEvent('uncaughtException', error, clock.now()));
    crashed = true;
    requestEnd('internal error');
  };
  let supervising = false;

  /** Serves and drives the line until its end; why a start failed, else undefined. */
  const serve = async (): Promise<FailedStart | undefined> => {
    try {
      await consoleHost?.start();
      observed =
        config.metrics &&
        (await observeLine({
          config: config.metrics,
          periodMs: config.cycle.periodMs,
          supervisor,
          buses: line.buses,
          journal,
          version: packageVersion(),
        }));
      edgeNode = await lineEdgeNode(config, line, clock, record);
    } catch (error) {
      if (!isConsoleStartError(error) && !isMetricsServeError(error) && !isMqttStartError(error)) throw error;
      startFailed(error.message);
      requestEnd(`start failed: ${error.message}`);
      return 'failed';
    }
    if (observed)
      record({ type: 'metrics_listening', atMs: clock.now(), url: observed.metricsUrl, host: observed.host, port: observed.port });
    try {
      await line.openBuses();
    } catch (error) {
      // A config that needs an optional package that is not installed is refused like a bad config.
      if (!isMissingOptionalDriver(error)) throw error;
      startFailed(error.message);
      requestEnd(`start failed: ${error.message}`);
      return 'refused';
    }
    if (durable.plan) supervisor.restore(durable.plan);
    // Before the cycle starts: opening the MQTT client costs tens of ms of CPU at once (measured 40-50 ms
    // here, a stall of the cycle when done after its start); the session's births come when the broker
    // answers, telling the line as it stands (restored, not yet powered).
    edgeNode?.start();
    supervising = true;
    // In real time the cycle and the bus run on the main thread: it goes ahead of ordinary processes
    // (cycle-priority.ts), V8's and libuv's helper threads below it, so a compile on a worker cannot
    // take a CPU quota's share from the cycle (helper-threads.ts, helper-cap.ts); start-up's garbage is collected
    // before the cycle powers any drive (settle-heap.ts).
    if (!options.virtual) {
      helperThreads = putCycleFirst(clock, logger);
      collectStartupGarbage(logger);
    }
    supervisor.start();
    retakeIsolations(durable.plan, supervisor, consoleHost);
    await runClockUntil(clock, () => endReason !== undefined, ended);
    await stopSupervising();
    return undefined;
  };
  /** Holds every axis (once, and only if the line was started: a failed start moved nothing). */
  const stopSupervising = async () => {
    if (!supervising || supervisor.isStopping()) return;
    service.ending(endReason ?? 'ended');
    await onClock(clock, supervisor.stop(endReason ?? 'ended'));
  };
  /**
   * Ends everything serving started, in order, each whatever the others did, so that nothing keeps
   * the process alive (no fault, duration or redraw timer: a failed start ends at once) and nothing
   * records after run_end.
   */
  const stopServing = async () => {
    durationTimer?.dispose();
    faults.schedule.dispose();
    display.stop();
    // The edge node after the holds (its NDEATH tells the host the line is gone once every axis is held).
    const closers = [
      stopSupervising,
      () => edgeNode?.stop(),
      () => consoleHost?.stop(),
      () => observed?.close(),
      () => line.close(),
      () => service.close(),
    ];
    for (const close of closers) {
      try {
        await close();
      } catch (error) {
        crash(error);
      }
    }
    // After the holds: the helper threads stay capped (and low) while the axes are held.
    helperThreads?.dispose();
  };

  let failedStart: FailedStart | undefined;
  try {
    failedStart = await serve();
  } catch (error) {
    crash(error);
  }
  await stopServing();
  try {
    // The closing summary, on every end: a JSON event and a log line; then run_end, the last record.
    const ending: RunEnding = { summary: recorder.tally.summary(endReason ?? 'ended', supervisor.jobs()), crashed, failedStart };
    const exitCode = io.exitCodeOf(ending);
    tellRunEnd({ ...ending, exitCode, runStart, atMs: () => clock.now(), record, logger });
    return { kind: 'ended', ending, exitCode };
  } finally {
    recorder.close();
    // Until the very end a second signal only repeats the request to end, never kills the process mid-close.
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The main thread ahead of ordinary processes, the JIT's inlining by the CPU budget, its helper threads below it and, under a CPU quota, on its CPU and capped at half of it (each said in the log; a refusal or failure as a warning). */
function putCycleFirst(clock: Clock, logger: Logger): Disposable {
  const priority = claimCyclePriority();
  const note = `axisguard: ${describeCyclePriority(priority)}`;
  if (priority.kind === 'refused') logger.warn({ event: 'cycle_priority', nice: priority.nice }, note);
  else logger.info({ event: 'cycle_priority', nice: priority.nice }, note);
  // Before the pinning, which would make every budget look like one CPU.
  const jit = inlineWhereCpuAllows();
  logger.info(
    { event: 'jit_inlining', inlining: jit.inlining },
    `axisguard: V8's optimizing JIT ${jit.inlining ? 'inlines' : 'does not inline'}: ${jit.why}`,
  );
  const pinning = keepThreadsOnOneCpu();
  const pinned = pinning.kind === 'pinned' ? { cpu: pinning.cpu } : {};
  const where = { event: 'cpu_affinity', outcome: pinning.kind, ...pinned };
  if (pinning.kind === 'failed') logger.warn(where, `axisguard: ${describeCpuPinning(pinning)}`);
  else logger.info(where, `axisguard: ${describeCpuPinning(pinning)}`);
  const cap = capHelperThreads();
  const capped = cap.kind === 'capped' ? { capCores: cap.group.capCores, group: cap.group.dir } : {};
  const helperCap = { event: 'helper_cap', outcome: cap.kind, ...capped };
  if (cap.kind === 'failed') logger.warn(helperCap, `axisguard: ${describeHelperCap(cap)}`);
  else logger.info(helperCap, `axisguard: ${describeHelperCap(cap)}`);
  return keepHelperThreadsLow(clock, cap.kind === 'capped' ? cap.group : undefined);
}

/** One full garbage collection before the cycle powers any drive (settle-heap.ts), said in the log. */
function collectStartupGarbage(logger: Logger): void {
  const settling = settleHeap();
  if (settling.kind === 'collected')
    logger.info(
      { event: 'heap_settled', ms: Math.round(settling.ms) },
      `axisguard: start-up garbage collected before the cycle starts (${settling.ms.toFixed(0)} ms)`,
    );
  else
    logger.warn(
      { event: 'heap_settled', skipped: settling.why },
      `axisguard: start-up garbage not collected before the cycle starts (${settling.why}): its first scavenges may stall the cycle`,
    );
}

/** How often threads made since (libuv's pool starts on first use) are lowered (and capped) too. */
const HELPER_THREAD_CHECK_MS = 5_000;

/**
 * Lowers the helper threads now and every HELPER_THREAD_CHECK_MS until disposed, and puts the new
 * ones in `cap`'s group when there is one (removed on dispose); the timer never keeps the process alive.
 */
function keepHelperThreadsLow(clock: Clock, cap: HelperGroup | undefined): Disposable {
  let timer: ClockTimer | undefined;
  const lower = (): void => {
    // One read of the thread list for both.
    const tids = helperThreadIds();
    lowerHelperThreads(tids);
    cap?.admitNew(tids);
    timer = clock.setTimer(lower, HELPER_THREAD_CHECK_MS);
    timer.keepAlive(false);
  };
  lower();
  return {
    dispose: () => {
      timer?.dispose();
      cap?.dispose();
    },
  };
}
