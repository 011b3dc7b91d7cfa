import type { MqttConfig } from './mqtt-config.ts';
import type { BusConfig, LxServoDriverConfig, ModbusDriverConfig, StsServoDriverConfig } from './bus-config.ts';
import type { JohnnyFiveDriverConfig } from './servo-config.ts';
import type { LogLevel } from './observability-config.ts';

/**
 * The resolved configuration: what the rest of axisguard reads after parseConfig has validated the
 * file and merged `defaults` under every axis. Every value is present and in range; nothing here is
 * optional unless its absence means something (no journal, no fallback, no clear time).
 */

/** What happens to an axis after a comm trip once its breaker closes again. */
export type RecoveryMode =
  | 'auto' // re-sync, then Standstill without a technician
  | 'manual'; // stays in ErrorStop until reset. Alarm and following-error trips always latch

/** Options of the per-axis circuit breaker; the names are the contract with src/breaker's BreakerOptions. */
export interface BreakerConfig {
  /** Trips after this many failed calls in a row. */
  readonly consecutiveFailures: number;
  /** Trips when the failed share of the last `windowSize` calls reaches `threshold`. */
  readonly failureRatio: FailureRatioConfig;
  /** First open period, ms. */
  readonly cooldownMs: number;
  /** Each re-trip from half-open multiplies the cooldown by this (>= 1). */
  readonly backoffFactor: number;
  /** Ceiling of the backed-off cooldown, ms. */
  readonly maxCooldownMs: number;
  /** Successful half-open probes in a row needed to close. */
  readonly probesToClose: number;
}

export interface FailureRatioConfig {
  /** Failed share, 0 < threshold <= 1. */
  readonly threshold: number;
  /** Number of most recent calls looked at. */
  readonly windowSize: number;
  /** No ratio trip before this many calls are in the window. */
  readonly minimumCalls: number;
}

/**
 * Following-error window for FollowingErrorMonitor: it grows linearly with speed from `minWindowMm`
 * at rest to `maxWindowMm` at the axis's `limits.maxSpeedMmPerS`, and must be exceeded for `timeMs`.
 */
export interface FollowingErrorConfig {
  readonly minWindowMm: number;
  readonly maxWindowMm: number;
  readonly timeMs: number;
}

/** The drive simulator (sim/) as the axis's driver. */
export interface SimulatedDriverConfig {
  readonly type: 'simulated';
  /** Seed of the simulator's random source (jitter, dropouts): same seed, same run. */
  readonly seed: number;
  /** Base answer delay per call, ms. */
  readonly latencyMs: number;
  /** Uniform extra delay 0..jitterMs per call, ms. */
  readonly jitterMs: number;
  /** First-order lag of the actual position behind the profile, ms. */
  readonly trackingTimeConstantMs: number;
  /** Actual position at power-up, mm. */
  readonly initialPositionMm: number;
}

/** Which driver runs an axis, by `type`. A new drive family is one more member here and in the schema. */
export type DriverConfig = SimulatedDriverConfig | ModbusDriverConfig | LxServoDriverConfig | StsServoDriverConfig | JohnnyFiveDriverConfig;

/** Travel and dynamics of an axis. */
export interface AxisLimitsConfig {
  /** Lower end of travel, mm (< maxMm). */
  readonly minMm: number;
  /** Upper end of travel, mm. */
  readonly maxMm: number;
  /** Highest profile speed a move may ask for, mm/s (> 0). */
  readonly maxSpeedMmPerS: number;
  /** Acceleration limit of the drive's profile, mm/s² (> 0). */
  readonly maxAccelMmPerS2: number;
}

/** One axis with every setting resolved (axis value, else `defaults`, else the built-in default). */
export interface AxisConfig {
  /** Unique, /^[A-Za-z][A-Za-z0-9_-]*$/. */
  readonly id: string;
  readonly driver: DriverConfig;
  readonly limits: AxisLimitsConfig;
  /** Id of another axis that takes over this axis's jobs when it trips. */
  readonly fallback: string | undefined;
  /** After a latched trip: hold (torque kept) or hold, then torque off. */
  readonly onLatchedTrip: 'hold' | 'torque_off';
  /** Deadline of each driver call, ms. */
  readonly timeoutMs: number;
  /** A move is done when |actual - target| <= this, mm. */
  readonly inPositionMm: number;
  readonly recovery: RecoveryMode;
  readonly breaker: BreakerConfig;
  readonly followingError: FollowingErrorConfig;
  /** Retries of an exchange whose answer was corrupt or missing, when harmless and in time (drivers/exchange-retry.ts). */
  readonly retries: number;
  /** What the supervisor does while the axis is degraded (src/degradation/). */
  readonly downgrade: DowngradeConfig;
  /** The role preset its settings started from, if any (presets.ts). */
  readonly preset: PresetName | undefined;
}

/**
 * The downgrade plan of a degraded axis: `warn` (events and displays only), `derate` (moves started
 * while degraded run at `derateFactor` of their speed), `drain` (its running job finishes, its queued
 * jobs go to its fallback, it takes no new job until it recovers or a technician clears it).
 */
export interface DowngradeConfig {
  readonly plan: DowngradePlan;
  /** Share of a move's speed while derated, (0, 1]. */
  readonly derateFactor: number;
}

export type DowngradePlan = 'warn' | 'derate' | 'drain';

/** The axis roles with a preset (presets.ts). */
export type PresetName = 'conveyor' | 'pick-and-place' | 'press' | 'gantry';

/** One point-to-point move: within the axis's travel, 0 < speed <= its maxSpeedMmPerS. */
export interface MoveConfig {
  readonly positionMm: number;
  readonly speedMmPerS: number;
}

/** A sequence of moves for one axis. */
export interface JobConfig {
  /** Unique among jobs. */
  readonly id: string;
  /** Id of the axis that runs it first. */
  readonly axis: string;
  /** At least one. */
  readonly moves: readonly MoveConfig[];
}

/** A fault the drive simulator injects; see sim/ for what each does to the drive's answers. */
export type SimulatedFault =
  | { readonly kind: 'silent' } // no answer at all
  | { readonly kind: 'slow'; readonly latencyMs: number } // answers, but this late
  | { readonly kind: 'dropout'; readonly probability: number } // each answer lost with this probability, 0..1
  | { readonly kind: 'alarm'; readonly code: number } // latches drive alarm `code`, 1..65535
  | { readonly kind: 'jam' } // the mechanics stop following: following error grows
  // Slowly developing faults, growing with the time since injection:
  | { readonly kind: 'wear'; readonly lagGrowthPerMin: number } // servo lag grows by this share of its healthy value per minute
  | { readonly kind: 'slowing_drive'; readonly latencyMsPerMin: number } // answers this many ms later per minute
  | { readonly kind: 'degrading_link'; readonly probabilityPerMin: number }; // share of corrupt answers grows by this per minute

/** When a fault starts and (optionally) clears on a simulated axis, in ms from the start of the run. */
export interface FaultScheduleEntry {
  /** Id of an axis whose driver type is 'simulated'. */
  readonly axis: string;
  readonly atMs: number;
  /** > atMs; undefined = the fault stays. */
  readonly clearAtMs: number | undefined;
  readonly fault: SimulatedFault;
}

/** Where the event journal goes, and how big it may grow. */
export interface JournalConfig {
  /** JSON-lines file. Loaded from a file: already resolved against the config file's folder. */
  readonly path: string;
  /** The file is rotated before an append would take it past this, bytes (64 KiB .. 1 GiB). */
  readonly maxBytes: number;
  /** Rotated files kept, `path.1` (newest) .. `path.<keepFiles>` (1 .. 100). */
  readonly keepFiles: number;
}

/** One person who may log in on the console. */
export interface ConsoleOperatorConfig {
  /** Shown in the journal as who did what. */
  readonly name: string;
  /** `scrypt$<salt>$<hash>` from `axisguard hash-pin`. */
  readonly pinHash: string;
}

/** The console on a local UNIX socket. File permissions are its access control. */
export interface ConsoleSocketConfig {
  /** Socket file; loaded from a file: already resolved against the config file's folder. */
  readonly path: string;
  /** File mode the socket is created with: 0o600 (owner) or 0o660 (owner and group). */
  readonly mode: number;
  /** Also ask for an operator login before motion commands (the serial console always does). */
  readonly requireLogin: boolean;
}

/** The console on a serial port (8N1). */
export interface ConsoleSerialConfig {
  readonly path: string;
  readonly baudRate: number;
  /** ansi: line editing, history, completion; dumb: plain lines, the terminal echoes locally. */
  readonly terminal: 'ansi' | 'dumb';
}

/** The technician console hosted by `axisguard run`. */
export interface ConsoleConfig {
  readonly socket: ConsoleSocketConfig | undefined;
  readonly serial: ConsoleSerialConfig | undefined;
  readonly operators: readonly ConsoleOperatorConfig[];
  /** A logged-in session is logged out after this long without input, s (> 0). */
  readonly idleLogoutS: number;
  /** Events kept in memory for `journal` and `faults` (>= 10). */
  readonly historySize: number;
}

/** Where /metrics and /healthz are served (HTTP, no authentication). */
export interface MetricsConfig {
  /** Bind address; beyond loopback only when the file said `allowRemote: true`. */
  readonly host: string;
  /** TCP port; 0 picks a free one. */
  readonly port: number;
}

/** The structured log (pino, JSON lines on stderr). */
export interface LogConfig {
  /** Least severe level written; the environment variable AXISGUARD_LOG_LEVEL overrides it. */
  readonly level: LogLevel;
}

/** A whole line, validated and resolved. */
export interface Config {
  /** Name of the line, for displays and the journal. */
  readonly line: string;
  readonly cycle: {
    /** Poll period of every axis, ms. */
    readonly periodMs: number;
    /**
     * Read-only polling after start before the first axis powers up, ms; then axes power up one at
     * a time (see src/supervisor/power-up-gate.ts).
     */
    readonly warmupMs: number;
  };
  /** Undefined: run without a journal file. */
  readonly journal: JournalConfig | undefined;
  /** At least one; ids unique. */
  readonly axes: readonly AxisConfig[];
  /** Modbus RTU lines and TCP gateways; empty for a line of simulated axes only. */
  readonly buses: readonly BusConfig[];
  readonly jobs: readonly JobConfig[];
  /** How every axis is watched for slow degradation (src/degradation/): observation window and warm-up. */
  readonly degradation: { readonly windowMs: number; readonly warmupObservations: number };
  readonly simulation: {
    readonly faults: readonly FaultScheduleEntry[];
  };
  /** Undefined: no console. */
  readonly console: ConsoleConfig | undefined;
  /** Undefined: no metrics endpoint (the section is absent or `enabled: false`). */
  readonly metrics: MetricsConfig | undefined;
  /** Undefined: no Sparkplug edge node (the section is absent or `enabled: false`). */
  readonly mqtt: MqttConfig | undefined;
  readonly log: LogConfig;
}
