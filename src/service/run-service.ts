import type { Clock } from '../common/clock.ts';
import type { Disposable } from '../common/disposable.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';
import { fatalEvent } from './events.ts';
import { catchProcessCrashes } from './process-crashes.ts';
import { startSystemdNotifier, type SystemdNotifierOptions } from './systemd-notifier.ts';
import { scheduleTestCrash, TEST_CRASH_VARIABLE } from './test-crash.ts';
import type { FatalSource, ServiceEvent } from '../events/events.ts';

/** How long the end of a run (holds, in-flight tasks, ports, journal) may take before the process exits anyway, ms. */
export const STOP_BOUND_MS = 5000;

/** Fatal errors recorded per run; the first says what went wrong, later ones mostly follow from it. */
export const MAX_RECORDED_FATALS = 3;

export interface RunServiceOptions {
  /** The run's clock (virtual or real). */
  readonly clock: Clock;
  /** Real time, for the stop bound: a hang takes real seconds even in a virtual run. */
  readonly stopClock: Clock;
  readonly supervisor: SystemdNotifierOptions['supervisor'] & Pick<Supervisor, 'onFatal'>;
  readonly periodMs: number;
  readonly env: NodeJS.ProcessEnv;
  /** Journal, JSON output and the log: a `fatal` event carries the error's stack. */
  readonly record: (event: ServiceEvent) => void;
  /** A fatal error happened (already recorded and printed): end the run, holding every axis, and fail. */
  readonly onFatal: (error: unknown) => void;
  /** Ends the process at once with a failure exit code (the stop bound passed). */
  readonly exit: () => void;
  /** Something a person should look at that is not an event of the run (sd_notify trouble). */
  readonly warn: (message: string) => void;
}

/** The process side of `axisguard run`; see startRunService. */
export interface RunService {
  /** The run starts to end (settled, duration, signal or fatal error): tells systemd and arms the stop bound. */
  ending(reason: string): void;
  /** The run has ended: disarms the bound, uninstalls the crash handlers, lets the last sd_notify messages out. */
  close(): Promise<void>;
}

/**
 * Everything `axisguard run` needs to behave as a service, around the supervisor:
 * - a fatal error, from a supervisor task, an uncaught exception or an unhandled rejection, is
 *   recorded (a `fatal` event, with its stack), and handed to `onFatal`, which ends the run the
 *   normal way (hold every axis, close the journal) with a failure exit code, so systemd restarts it;
 * - the end of the run is bounded: STOP_BOUND_MS after `ending`, a `shutdown_timeout` event is
 *   recorded and the process exits with a failure code, whatever is still pending (the holds
 *   were issued first thing by Supervisor.stop);
 * - sd_notify (READY, STATUS, WATCHDOG, STOPPING) when run by systemd, see startSystemdNotifier;
 * - the AXISGUARD_TEST_CRASH test hook (see scheduleTestCrash).
 */
export function startRunService(options: RunServiceOptions): RunService {
  const { clock } = options;
  let fatalsRecorded = 0;
  const fail = (source: FatalSource, error: unknown) => {
    // Bounded: when recording a crash itself fails (its line meets a broken pipe, say), that failure
    // comes back here; recorded each time, it would never end and starve the loop, the shutdown included.
    if (fatalsRecorded < MAX_RECORDED_FATALS) {
      fatalsRecorded++;
      options.record(fatalEvent(source, error, clock.now()));
    }
    options.onFatal(error);
  };
  // First: a malformed hook value throws before anything needs undoing.
  const testCrash = scheduleTestCrash(options.env[TEST_CRASH_VARIABLE], clock);
  const disposables: Disposable[] = [
    options.supervisor.onFatal((error) => fail('supervisor', error)),
    catchProcessCrashes(fail),
    ...(testCrash ? [testCrash] : []),
  ];
  const notifier = startSystemdNotifier({
    env: options.env,
    pid: process.pid,
    clock,
    supervisor: options.supervisor,
    periodMs: options.periodMs,
    warn: options.warn,
  });
  let stopBound: Disposable | undefined;

  return {
    ending(reason) {
      notifier?.stopping(reason);
      stopBound ??= options.stopClock.setTimer(() => {
        options.record({ type: 'shutdown_timeout', atMs: clock.now(), boundMs: STOP_BOUND_MS });
        options.exit();
      }, STOP_BOUND_MS);
    },
    async close() {
      for (const disposable of disposables) disposable.dispose();
      await notifier?.close();
      stopBound?.dispose();
    },
  };
}
