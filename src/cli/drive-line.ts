import { RealClock, type Clock } from '../common/clock.ts';
import { VirtualClock } from '../common/virtual-clock.ts';
import type { LogLevel } from '../config/index.ts';
import type { LoadedLine } from '../compose/load-line.ts';
import { Journal, isJournalOpenError } from '../journal/index.ts';
import { isLineStateUnreadableError, openDurableLine, retakeIsolations, type DurableLine } from '../compose/durable-line.ts';
import { buildLine, isMissingOptionalDriver } from '../compose/build-line.ts';
import { playFaultSchedule } from '../compose/fault-schedule.ts';
import { serialStreamOpener } from '../compose/console-serial.ts';
import { ConsoleHost } from '../console/console-host.ts';
import { isConsoleStartError } from '../console/errors.ts';
import { packageVersion } from '../console/version.ts';
import { startRunService } from '../service/run-service.ts';
import { settledEndReason } from './run-end.ts';
import {
  LOG_LEVEL_ENV,
  chooseLogLevel,
  createLogger,
  isLogLevelError,
  isMetricsServeError,
  logEvent,
  observeLine,
  type ObservedLine,
} from '../observability/index.ts';
import { renderStatus } from '../events/status-table.ts';
import { LiveStatusView } from './live-status-view.ts';
import { onClock } from '../common/on-clock.ts';
import { EXIT_BAD_CONFIG, EXIT_ERROR } from './exit-codes.ts';
import { runStartRecord } from './run-records.ts';
import { RunTally } from './run-summary.ts';
import { tellRunEnd } from './run-ending.ts';
import type { RunOptions } from './run-options.ts';
import { fatalEvent } from '../service/events.ts';
import { isNotable, type RunEvent, type SupervisorEvent } from '../events/events.ts';

const RECENT_EVENTS = 12;
const REDRAW_MS = 100;

/**
 * The running half of `axisguard run`, for a loaded and checked config: drives the line until every
 * job is done or parked, the duration ends, or SIGINT/SIGTERM arrives; then holds every axis, closes
 * the journal and returns the exit code.
 */
export async function driveLine(
  { config, profiles }: LoadedLine,
  source: string,
  options: RunOptions,
  out: NodeJS.WriteStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  const journalPath = options.journalPath ?? config.journal?.path;
  const clock: Clock = options.virtual ? new VirtualClock() : new RealClock();
  let journal: Journal | undefined;
  let logLevel: LogLevel;
  let durable: DurableLine;
  try {
    logLevel = chooseLogLevel(config.log.level, process.env[LOG_LEVEL_ENV]);
    // The line state the journal holds is read before the journal is opened for this run's records.
    durable = await openDurableLine(journalPath, config, options.fresh === true);
    // Each new file after a rotation starts with the whole line state, so the newest file alone restores it.
    const rotation = {
      maxBytes: config.journal?.maxBytes,
      keepFiles: config.journal?.keepFiles,
      onRotate: () => [durable.checkpoint(clock.now())],
    };
    journal = journalPath === undefined ? undefined : new Journal(journalPath, rotation);
  } catch (error) {
    if (!isJournalOpenError(error) && !isLogLevelError(error) && !isLineStateUnreadableError(error)) throw error;
    err.write(`${error.message}\n`);
    return EXIT_BAD_CONFIG;
  }

  const startMs = clock.now();
  const line = buildLine(config, clock, profiles);
  const supervisor = line.supervisor;
  const live = out.isTTY && !options.json ? new LiveStatusView(out) : undefined;
  // JSON lines on stderr; beside the live table on the same terminal only error and fatal (see README, "Metrics and logs").
  const logger = createLogger({
    level: logLevel,
    stream: err,
    besideLiveTable: live !== undefined && 'isTTY' in err && err.isTTY === true,
  });
  // From here on stderr carries log lines only; a start that fails says why in one of them (plain
  // text only when the log is silenced, so a failed start is never mute).
  const startFailed = (message: string) =>
    logger.isLevelEnabled('fatal')
      ? logger.fatal({ event: 'start_failed' }, `axisguard: ${message}`)
      : err.write(`axisguard: ${message}\n`);
  let observed: ObservedLine | undefined;
  const recent: SupervisorEvent[] = [];
  let crashed = false;
  let endReason: string | undefined;
  const requestEnd = (reason: string) => {
    endReason ??= reason;
  };

  const tally = new RunTally();
  // Undefined once closed: an event after run_end (there should be none) is still printed and logged, never a journal write error.
  let journalOpen: Journal | undefined = journal;
  const record = (event: RunEvent) => {
    journalOpen?.append(event);
    tally.observe(event);
    // After the append: a rotation's checkpoint is the state before this event, which follows it.
    durable.tracker.apply({ ...event, time: new Date().toISOString() });
    logEvent(logger, event);
    if (!live) out.write(`${JSON.stringify(event)}\n`);
    else if (isNotable(event)) {
      recent.unshift(event);
      recent.length = Math.min(recent.length, RECENT_EVENTS);
    }
  };
  journal?.onWriteError((f) =>
    logger.error(
      { event: 'journal_write_error', writeErrors: f.writeErrors, err: f.error },
      `journal write failed (${f.writeErrors} so far): ${f.error.message}`,
    ),
  );
  // The run's first record, before anything else of it.
  const runStart = runStartRecord(clock.now(), source, options.fresh === true);
  record(runStart);
  record({ type: 'config_load', atMs: clock.now(), source, line: config.line, axes: config.axes.length, jobs: config.jobs.length });
  // The state this run starts from, whole: a restore folds from here on.
  journal?.append(durable.checkpoint(clock.now()));
  supervisor.onEvent((event) => {
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
  const consoleHost =
    config.console &&
    new ConsoleHost({
      config: { ...config, console: config.console },
      supervisor,
      simulators: line.simulators,
      clock,
      startMs,
      version: packageVersion(),
      events: [faults.onFault],
      openSerial: serialStreamOpener(clock),
    });
  consoleHost?.onEvent(record);
  const durationTimer =
    options.durationS === undefined ? undefined : clock.setTimer(() => requestEnd('duration reached'), options.durationS * 1000);
  const onSignal = (signal: NodeJS.Signals) => requestEnd(`${signal} received`);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  /** Lines under the table's last frame: the closing summary. */
  let finalLines: readonly string[] = [];
  const draw = () =>
    live?.draw([
      ...renderStatus(clock.now() - startMs, supervisor.snapshot(), recent, tally.busesDown()),
      ...(finalLines.length ? ['', ...finalLines] : []),
    ]);
  const redraw = live && !options.virtual ? setInterval(draw, REDRAW_MS) : undefined;
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
    exit: () => process.exit(EXIT_ERROR),
    warn: (message) => logger.warn(`axisguard: ${message}`),
  });
  /** An error nobody else handles ends the run like a crash: a `fatal` record with its stack, exit code 1. */
  const crash = (error: unknown) => {
    record(fatalEvent('uncaughtException', error, clock.now()));
    crashed = true;
    requestEnd('internal error');
  };
  let supervising = false;

  /** Serves and drives the line until its end; the exit code of a start that failed, else undefined. */
  const serve = async (): Promise<number | undefined> => {
    try {
      await consoleHost?.start();
      observed =
        config.metrics &&
        (await observeLine({ config: config.metrics, periodMs: config.cycle.periodMs, supervisor, buses: line.buses, journal }));
    } catch (error) {
      if (!isConsoleStartError(error) && !isMetricsServeError(error)) throw error;
      startFailed(error.message);
      requestEnd(`start failed: ${error.message}`);
      return EXIT_ERROR;
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
      return EXIT_BAD_CONFIG;
    }
    if (durable.plan) supervisor.restore(durable.plan);
    supervising = true;
    supervisor.start();
    retakeIsolations(durable.plan, supervisor, consoleHost);
    await runClockUntil(clock, () => endReason !== undefined);
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
    if (redraw) clearInterval(redraw);
    const closers = [stopSupervising, () => consoleHost?.stop(), () => observed?.close(), () => line.close(), () => service.close()];
    for (const close of closers) {
      try {
        await close();
      } catch (error) {
        crash(error);
      }
    }
  };

  let failedStart: number | undefined;
  try {
    failedStart = await serve();
  } catch (error) {
    crash(error);
  }
  await stopServing();
  try {
    // The closing summary, on every end: a JSON event, a log line, the table's last frame; then run_end, the last record.
    const summary = tally.summary(endReason ?? 'ended', supervisor.jobs());
    const { exitCode, lines } = tellRunEnd({ summary, crashed, failedStart, runStart, atMs: () => clock.now(), record, logger });
    finalLines = lines;
    draw();
    return exitCode;
  } finally {
    journal?.close();
    journalOpen = undefined;
    // Until the very end a second signal only repeats the request to end, never kills the process mid-close.
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Virtual time runs as fast as the timers allow; real time just waits, checking now and then. */
async function runClockUntil(clock: Clock, done: () => boolean): Promise<void> {
  if (clock instanceof VirtualClock) {
    await clock.runUntil(done);
    return;
  }
  while (!done()) await clock.sleep(REDRAW_MS / 4);
}
