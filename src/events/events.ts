// One file on purpose (over ~250 lines): types only, the one union of every event a run records, which
// the journal, the logs, the JSON output and the console share. A new event is checked against its
// neighbours here; split by producer, the union and LINE_EVENT_TYPES would have to be kept in step across files.
import type { AxisState } from '../axis/axis-state.ts';
import type { BreakerState, TransitionReason, TripReason } from '../breaker/transition.ts';
import type { SimulatedFault } from '../config/index.ts';
import type { RestoreReport } from '../line/restore-plan.ts';
import type { Signal } from '../degradation/signals.ts';
import type { DowngradeSettings } from '../supervisor/axis-setup.ts';

/** A downgrade plan (see DowngradeSettings). */
export type DowngradePlan = DowngradeSettings['plan'];

/**
 * Every event of a run, in one place: what the supervisor, the buses, the simulator's fault
 * schedule, the console, the process lifecycle, the metrics endpoint and the run itself report.
 * The journal, the JSON output, the live table, the console, the logs and the metrics all read
 * these types from here; none of them imports an event type from the part that emits it. `atMs` is
 * time on the run's Clock (virtual or monotonic), never wall time (the journal adds that).
 */

/** A job's move, 1-based, as events name it. */
export interface JobMoveRef {
  readonly id: string;
  readonly move: number;
}

/** Why a hold was sent. */
export type HoldCause = 'trip' | 'shutdown' | 'operator' | 'recovery';

/**
 * Everything the supervisor reports, one union discriminated by `type`. `atMs` is time on the
 * supervisor's Clock (virtual or monotonic), never wall time. Journal, JSON output, the status
 * table and metrics subscribe; none of them calls back into the supervisor.
 */
export type SupervisorEvent =
  | { readonly type: 'start'; readonly atMs: number; readonly axes: readonly string[]; readonly jobs: number }
  /** `job`: the job move this change starts or completes (moveAbsolute / moveDone of a job's move), `move` 1-based. */
  | {
      readonly type: 'axis_state';
      readonly atMs: number;
      readonly axis: string;
      readonly from: AxisState;
      readonly to: AxisState;
      readonly reason: string;
      readonly job?: JobMoveRef;
    }
  | {
      readonly type: 'breaker';
      readonly atMs: number;
      readonly axis: string;
      readonly from: BreakerState;
      readonly to: BreakerState;
      readonly reason: TransitionReason;
      readonly detail?: string;
    }
  /** `ownStallMs`: the supervisor itself had just stalled this long (see 'stall'), which may have caused the trip. */
  /** `latched`: the axis waits in ErrorStop for a technician's reset (and stays so across restarts). */
  /** `failedCallsAtMs`: a consecutive_failures trip's row, when each of its failed calls failed (the last 5, oldest first), as `detail` names them. */
  | {
      readonly type: 'trip';
      readonly atMs: number;
      readonly axis: string;
      readonly reason: TripReason;
      readonly detail: string;
      readonly latched: boolean;
      readonly ownStallMs?: number;
      readonly failedCallsAtMs?: readonly number[];
    }
  /** A technician's isolation hold on `axis` was taken (`held`) or released: it outlives a restart until released. */
  | { readonly type: 'isolation'; readonly atMs: number; readonly axis: string; readonly by: string; readonly held: boolean }
  | {
      readonly type: 'hold';
      readonly atMs: number;
      readonly axis: string;
      readonly cause: HoldCause;
      readonly acknowledged: boolean;
      /** The torque was dropped after the hold (a latched trip on an axis with `onLatchedTrip: torque_off`); false when that failed. */
      readonly torqueOff?: boolean;
      readonly detail?: string;
    }
  | { readonly type: 'resync'; readonly atMs: number; readonly axis: string; readonly positionMm: number }
  | {
      readonly type: 'transfer';
      readonly atMs: number;
      readonly job: string;
      readonly from: string;
      readonly to: string;
      readonly fromMove: number;
    }
  | { readonly type: 'job_done'; readonly atMs: number; readonly job: string; readonly axis: string }
  | { readonly type: 'job_parked'; readonly atMs: number; readonly job: string; readonly axis: string; readonly reason: string }
  /** A technician resumed a parked job: queued on `axis` (where it was parked, `parkedOn`, or another) from `fromMove`. */
  | {
      readonly type: 'job_resumed';
      readonly atMs: number;
      readonly job: string;
      readonly axis: string;
      readonly parkedOn: string;
      readonly fromMove: number;
      readonly by: string;
    }
  /** A job queued while the line runs (by a Sparkplug host): `moves` of them on `axis`; it lives for this run (a restart reports it dropped). */
  | {
      readonly type: 'job_queued';
      readonly atMs: number;
      readonly job: string;
      readonly axis: string;
      readonly moves: number;
      readonly by: string;
    }
  /**
   * The supervisor itself could not act for `lengthMs` (its cycle timer ran that late): our delay,
   * never a drive's fault. In real time also the CPU the process used meanwhile, `cpuMs` over
   * `cpuOverMs` (see src/realtime/stall-monitor.ts, stallKind).
   */
  | {
      readonly type: 'stall';
      readonly atMs: number;
      readonly lengthMs: number;
      readonly cpuMs?: number;
      readonly cpuOverMs?: number;
    }
  /** What an earlier run left and this one took over (latches, disables, isolations, done/parked/interrupted jobs), right after `start`. */
  | ({ readonly type: 'line_restored'; readonly atMs: number } & RestoreReport)
  /** A technician started a new line state: the next start takes over nothing from before this (this run goes on as it is). */
  | { readonly type: 'line_state_fresh'; readonly atMs: number; readonly by: string }
  /** `signal` of `axis` learned its healthy baseline (mean and standard deviation, in the signal's unit); persisted, so a restart watches at once. */
  | {
      readonly type: 'baseline_learned';
      readonly atMs: number;
      readonly axis: string;
      readonly signal: Signal;
      readonly mean: number;
      readonly sd: number;
    }
  /** `signal` of `axis` has drifted above its baseline for long enough (src/degradation/); `plan` is what the supervisor does about it. */
  | {
      readonly type: 'degraded';
      readonly atMs: number;
      readonly axis: string;
      readonly signal: Signal;
      readonly baseline: number;
      readonly current: number;
      readonly plan: DowngradePlan;
    }
  /** `signal` of `axis` is back near its baseline; `degraded` lists the signals still degraded. */
  | {
      readonly type: 'recovered';
      readonly atMs: number;
      readonly axis: string;
      readonly signal: Signal;
      readonly baseline: number;
      readonly current: number;
      readonly degraded: readonly Signal[];
    }
  /** The downgrade plan of `axis` began (`derate`, `drain`) or ended (`end`: recovered or relearned). */
  | {
      readonly type: 'downgrade';
      readonly atMs: number;
      readonly axis: string;
      readonly action: 'derate' | 'drain' | 'end';
      readonly detail: string;
    }
  /** A technician had `axis` learned again (after a repair): its baselines and degraded marks are gone. */
  | { readonly type: 'relearn'; readonly atMs: number; readonly axis: string; readonly by: string }
  | { readonly type: 'stop'; readonly atMs: number; readonly reason: string };

export type SupervisorEventType = SupervisorEvent['type'];

export type BusEvent = {
  readonly type: 'bus';
  readonly atMs: number;
  readonly bus: string;
  readonly state: 'open' | 'lost' | 'open_failed';
  readonly detail?: string;
  /** When the next attempt to open the port is due, ms from now. */
  readonly retryInMs?: number;
};

/** A scheduled fault being injected into or cleared from a simulated drive. */
export type SimFaultEvent = {
  readonly type: 'sim_fault';
  readonly atMs: number;
  readonly axis: string;
  readonly action: 'inject' | 'clear';
  readonly fault: SimulatedFault;
};

/**
 * What the console itself reports, for the journal and the JSON output as much as for its own
 * `journal` command. `session` names a console session, e.g. `serial` or `socket#3`.
 */
export type ConsoleEvent =
  | {
      readonly type: 'console_transport';
      readonly atMs: number;
      readonly transport: 'socket' | 'serial';
      readonly path: string;
      readonly state: 'open' | 'lost' | 'closed';
      readonly detail?: string;
    }
  | {
      readonly type: 'console_login';
      readonly atMs: number;
      readonly session: string;
      readonly operator: string;
      readonly outcome: 'ok' | 'refused' | 'locked';
      readonly failures: number;
    }
  | {
      readonly type: 'console_logout';
      readonly atMs: number;
      readonly session: string;
      readonly operator: string;
      readonly reason: 'command' | 'idle' | 'closed';
    }
  | {
      readonly type: 'console_command';
      readonly atMs: number;
      readonly session: string;
      readonly by: string;
      readonly command: string;
      readonly outcome: 'ok' | 'refused';
      readonly detail?: string;
    };

/** Everything the console keeps in its event history: the supervisor's events, simulator faults, its own. */
export type LineEvent = SupervisorEvent | SimFaultEvent | ConsoleEvent;

/** Every `type` a LineEvent may have, for `journal --type` and its error message. */
export const LINE_EVENT_TYPES: readonly LineEvent['type'][] = [
  'start',
  'axis_state',
  'breaker',
  'trip',
  'hold',
  'resync',
  'transfer',
  'job_done',
  'job_parked',
  'job_resumed',
  'job_queued',
  'isolation',
  'line_restored',
  'line_state_fresh',
  'baseline_learned',
  'degraded',
  'recovered',
  'downgrade',
  'relearn',
  'stop',
  'sim_fault',
  'console_transport',
  'console_login',
  'console_logout',
  'console_command',
];

/** Where a fatal error came from: thrown and not caught anywhere, a rejected promise nobody handled, or a supervisor task. */
export type FatalSource = 'uncaughtException' | 'unhandledRejection' | 'supervisor';

/**
 * What the process lifecycle adds to the journal and the JSON output, beside the supervisor's
 * events. `atMs` is time on the run's Clock, like every other event.
 */
export type ServiceEvent =
  | { readonly type: 'fatal'; readonly atMs: number; readonly source: FatalSource; readonly error: string; readonly stack?: string }
  | { readonly type: 'shutdown_timeout'; readonly atMs: number; readonly boundMs: number };

/** Reported once the endpoint listens, so that a caller that asked for port 0 learns the port. */
export type MetricsListeningEvent = {
  readonly type: 'metrics_listening';
  readonly atMs: number;
  /** e.g. http://127.0.0.1:9464/metrics */
  readonly url: string;
  readonly host: string;
  readonly port: number;
};

/** The first record of a run: which run, of what, from which config, started when. */
export type RunStartRecord = {
  readonly type: 'run_start';
  readonly atMs: number;
  readonly runId: string;
  readonly version: string;
  readonly pid: number;
  readonly configPath: string;
  /** SHA-256 of the config file's bytes as read at start. */
  readonly configSha256: string;
  readonly startedAt: string;
  /** A new line state on purpose (--fresh): nothing was taken over from the journal. */
  readonly fresh: boolean;
};

/** The last record of a run: how it ended and its exit code, with the closing summary. */
export type RunEndRecord = {
  readonly type: 'run_end';
  readonly atMs: number;
  readonly runId: string;
  readonly reason: string;
  readonly exitCode: number;
  readonly summary: RunSummary;
};

/** How a run ended, in numbers: what a person checks before trusting the machine's state. */
export type RunSummary = {
  readonly reason: string;
  readonly jobs: {
    readonly total: number;
    readonly done: number;
    readonly parked: readonly string[];
    /** Jobs still queued or running when the run ended: done + parked + interrupted = total. */
    readonly interrupted: readonly string[];
    /** The interrupted jobs that had not begun a move. */
    readonly notStarted: readonly string[];
  };
  /** Trips of the run by reason. */
  readonly trips: Readonly<Record<string, number>>;
  /** Axes whose last hold no drive confirmed. */
  readonly holdsNotConfirmed: readonly string[];
  /** Buses whose port never opened in this run, and why (ENOENT, EACCES, ...). */
  readonly busesNotOpened: readonly { readonly bus: string; readonly why: string }[];
};

/** The config was read: the run's second record, after run_start. */
export type ConfigLoadEvent = {
  readonly type: 'config_load';
  readonly atMs: number;
  readonly source: string;
  readonly line: string;
  readonly axes: number;
  readonly jobs: number;
};

/** The closing summary, as an event. */
export type RunSummaryEvent = { readonly type: 'run_summary'; readonly atMs: number } & RunSummary;

/**
 * The Sparkplug edge node (mqtt section): its broker session, and every command a host sent, with
 * what became of it. `bdSeq` is the session's birth/death sequence number (Sparkplug 3.0).
 */
export type MqttEvent =
  | {
      readonly type: 'mqtt';
      readonly atMs: number;
      readonly server: string;
      readonly state: 'connecting' | 'connected' | 'waiting_host' | 'online' | 'host_offline' | 'disconnected';
      readonly bdSeq: number;
      readonly detail?: string;
    }
  | {
      readonly type: 'host_command';
      readonly atMs: number;
      /** Who sent it, as far as MQTT tells: the message type and the broker, e.g. `mqtt DCMD via mqtt://10.0.0.2:1883`. */
      readonly by: string;
      readonly command: string;
      readonly axis?: string;
      readonly outcome: 'ok' | 'refused' | 'failed';
      readonly detail: string;
    };

/** Everything `axisguard run` records: journal, JSON output, logs. */
export type RunEvent =
  | LineEvent
  | BusEvent
  | ServiceEvent
  | MetricsListeningEvent
  | MqttEvent
  | RunStartRecord
  | ConfigLoadEvent
  | RunSummaryEvent
  | RunEndRecord;

/** Events worth a line under the status table and in the console's `status`: the story of the run, not every state change. */
const NOTABLE_EVENT_TYPES: ReadonlySet<string> = new Set<SupervisorEvent['type']>([
  'trip',
  'hold',
  'transfer',
  'job_done',
  'job_parked',
  'job_resumed',
  'job_queued',
  'resync',
  'isolation',
  'line_restored',
  'line_state_fresh',
  'degraded',
  'recovered',
  'downgrade',
  'relearn',
  'stop',
]);

export const isNotable = (e: { readonly type: string }): e is SupervisorEvent => NOTABLE_EVENT_TYPES.has(e.type);
