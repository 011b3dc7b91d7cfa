import type { Clock } from '../common/clock.ts';
import type { Disposable } from '../common/disposable.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';
import { openNotifySocket } from './notify-socket.ts';
import { statusSummary, watchReadiness } from './readiness.ts';
import { WatchdogPetter, watchdogPetIntervalMs } from './watchdog.ts';
import type { SupervisorEventType } from '../events/events.ts';

/** Longest wait for every axis to come up before READY=1 goes out anyway (see watchReadiness). */
export const READY_BOUND_MS = 30_000;

/** A STATUS= assignment; the text is folded onto one line, as the protocol needs. */
const status = (text: string) => `STATUS=${text.replace(/[\r\n\0]+/g, ' ')}`;

/** Events after which the STATUS line is worth refreshing; not every state change of every move. */
const STATUS_EVENTS: ReadonlySet<SupervisorEventType> = new Set(['trip', 'resync', 'transfer', 'job_done', 'job_parked']);

export interface SystemdNotifierOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly pid: number;
  /** The run's clock: the readiness bound and the watchdog decisions run on it. */
  readonly clock: Clock;
  readonly supervisor: Pick<Supervisor, 'onEvent' | 'snapshot' | 'jobs' | 'ticks'>;
  /** The supervisor's cycle period, ms, to check it against the watchdog interval. */
  readonly periodMs: number;
  /** One line for stderr (the service's log). */
  readonly warn: (line: string) => void;
}

/** What `axisguard run` tells systemd; see startSystemdNotifier. */
export interface SystemdNotifier {
  /** STOPPING=1 with the reason; ends the pets (the cycle ends too). Call when the run starts to end. */
  stopping(reason: string): void;
  /** Stops everything and lets the last messages out. */
  close(): Promise<void>;
}

/**
 * Speaks the sd_notify protocol when the process runs under systemd with Type=notify (NOTIFY_SOCKET
 * set); returns undefined otherwise. Sends:
 * - `READY=1` once every axis is up (see axesNotUp), or after READY_BOUND_MS with STATUS naming
 *   the axes that are not;
 * - `STATUS=` a one-line summary, with READY, after trips, re-syncs, hand-offs and finished jobs,
 *   and when the cycle stalls;
 * - `WATCHDOG=1` every half WATCHDOG_USEC, but only while the supervisor's ticks advance (see
 *   WatchdogPetter): a stuck cycle or a hung event loop lets systemd's watchdog restart the service;
 * - `STOPPING=1` when the run starts to end.
 */
export function startSystemdNotifier(options: SystemdNotifierOptions): SystemdNotifier | undefined {
  const { env, clock, supervisor, warn } = options;
  const socketName = env.NOTIFY_SOCKET;
  if (!socketName) return undefined;
  const socket = openNotifySocket(socketName, (problem) => warn(`sd_notify: ${problem}`));
  const summary = () => statusSummary(supervisor.snapshot(), supervisor.jobs());
  let ready = false;
  const watches: Disposable[] = [
    // Before the readiness watch: the event that makes the line ready is not also a STATUS update.
    supervisor.onEvent((event) => {
      if (ready && STATUS_EVENTS.has(event.type)) socket.send([status(summary())]);
    }),
    watchReadiness({
      clock,
      boundMs: READY_BOUND_MS,
      snapshot: () => supervisor.snapshot(),
      onEvent: supervisor.onEvent,
      onReady: (notUp) => {
        ready = true;
        const late = notUp.length === 0 ? '' : `NOT up after ${READY_BOUND_MS / 1000} s: ${notUp.join(', ')}; `;
        socket.send(['READY=1', status(`${late}${summary()}`)]);
      },
    }),
  ];
  const intervalMs = watchdogPetIntervalMs(env, options.pid);
  if (intervalMs !== undefined) {
    if (options.periodMs * 2 > intervalMs) {
      warn(
        `cycle.periodMs ${options.periodMs} ms is too long for WatchdogSec ${(intervalMs * 2) / 1000} s: the watchdog may fire on a healthy cycle; raise WatchdogSec`,
      );
    }
    watches.push(
      new WatchdogPetter({
        clock,
        intervalMs,
        progress: () => supervisor.ticks,
        pet: () => socket.send(['WATCHDOG=1']),
        onStall: (stalledForMs) => {
          const why = `the supervision cycle has not ticked for ${Math.round(stalledForMs)} ms: watchdog not petted`;
          warn(why);
          socket.send([status(why)]);
        },
      }),
    );
  }
  const endWatches = () => {
    for (const watch of watches) watch.dispose();
  };
  return {
    stopping(reason) {
      endWatches();
      socket.send(['STOPPING=1', status(`stopping: ${reason}`)]);
    },
    async close() {
      endWatches();
      await socket.close();
    },
  };
}
