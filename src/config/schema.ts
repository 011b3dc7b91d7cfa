import * as z from 'zod';
import {
  CONSOLE_BAUD_RATES,
  CONSOLE_DEFAULTS,
  JOURNAL_CONFIG_DEFAULTS,
  JOURNAL_KEEP_FILES_RANGE,
  JOURNAL_MAX_BYTES_RANGE,
  SIMULATED_DRIVER_DEFAULTS,
} from './defaults.ts';
import { BusSchema, LxServoDriverSchema, ModbusDriverSchema, StsServoDriverSchema } from './bus-config.ts';
import { JohnnyFiveDriverSchema } from './servo-config.ts';
import { LogSchema, MetricsSchema } from './observability-config.ts';
import { MqttSchema } from './mqtt-config.ts';
import { strictObject } from './zod-issues.ts';
import { PRESET_NAMES } from './presets.ts';
import { DEFAULT_WATCH } from '../degradation/signals.ts';

/**
 * The config file's shape, field by field. Every object is strict (an unknown key is an error, so a
 * typo never passes silently) and every number finite and in range. Checks that span fields
 * (unique ids, references, travel limits) live in cross-checks.ts so that they are reported
 * together with these, and the per-axis settings are merged in resolve.ts.
 */

const Id = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, {
  error: 'must start with a letter and hold only letters, digits, _ and -',
});

const FailureRatioOverride = strictObject({
  threshold: z.number().gt(0).max(1).optional(),
  windowSize: z.int().min(1).max(10_000).optional(),
  minimumCalls: z.int().min(1).max(10_000).optional(),
});

const BreakerOverride = strictObject({
  consecutiveFailures: z.int().min(1).max(1_000).optional(),
  failureRatio: FailureRatioOverride.optional(),
  cooldownMs: z.number().gt(0).max(3_600_000).optional(),
  backoffFactor: z.number().min(1).max(100).optional(),
  maxCooldownMs: z.number().gt(0).max(3_600_000).optional(),
  probesToClose: z.int().min(1).max(1_000).optional(),
});

const FollowingErrorOverride = strictObject({
  minWindowMm: z.number().gt(0).max(10_000).optional(),
  maxWindowMm: z.number().gt(0).max(10_000).optional(),
  timeMs: z.number().min(0).max(60_000).optional(),
});

const DowngradeOverride = strictObject({
  plan: z.enum(['warn', 'derate', 'drain']).optional(),
  derateFactor: z.number().gt(0).max(1).optional(),
});

/** The settings `defaults:` and each axis may give; anything left out comes from the layer below. */
const axisSettingFields = {
  preset: z
    .enum(PRESET_NAMES, {
      error: (issue) =>
        `unknown preset ${JSON.stringify(issue.input)} (one of: ${PRESET_NAMES.join(', ')}; \`axisguard presets\` lists them)`,
    })
    .optional(),
  timeoutMs: z.number().gt(0).max(60_000).optional(),
  inPositionMm: z.number().gt(0).max(1_000).optional(),
  recovery: z.enum(['auto', 'manual']).optional(),
  breaker: BreakerOverride.optional(),
  followingError: FollowingErrorOverride.optional(),
  retries: z.int().min(0).max(5).optional(),
  downgrade: DowngradeOverride.optional(),
};

const AxisSettingsOverride = strictObject(axisSettingFields);

/** Partial per-axis settings as written in `defaults:` or on an axis. */
export type AxisSettingsOverride = z.output<typeof AxisSettingsOverride>;

const SimulatedDriver = strictObject({
  type: z.literal('simulated'),
  seed: z.int().min(0).max(0xffff_ffff).default(SIMULATED_DRIVER_DEFAULTS.seed),
  latencyMs: z.number().min(0).max(60_000).default(SIMULATED_DRIVER_DEFAULTS.latencyMs),
  jitterMs: z.number().min(0).max(60_000).default(SIMULATED_DRIVER_DEFAULTS.jitterMs),
  trackingTimeConstantMs: z.number().gt(0).max(60_000).default(SIMULATED_DRIVER_DEFAULTS.trackingTimeConstantMs),
  initialPositionMm: z.number().default(SIMULATED_DRIVER_DEFAULTS.initialPositionMm),
});

/** One member per drive family, told apart by `type`. */
const Driver = z.discriminatedUnion('type', [
  SimulatedDriver,
  ModbusDriverSchema,
  LxServoDriverSchema,
  StsServoDriverSchema,
  JohnnyFiveDriverSchema,
]);

/** The driver `type` values the schema knows. */
export const DRIVER_TYPES: readonly string[] = Driver.options.map((option) => option.shape.type.value);

const Limits = strictObject({
  minMm: z.number(),
  maxMm: z.number(),
  maxSpeedMmPerS: z.number().gt(0),
  maxAccelMmPerS2: z.number().gt(0),
});

const Axis = strictObject({
  id: Id,
  driver: Driver,
  limits: Limits,
  fallback: z.string().optional(),
  /**
   * What a latched trip leaves the axis in: `hold` (the default: stopped where it is, torque kept) or
   * `torque_off` (held, then the torque dropped: a jammed bus servo without a comm-loss watchdog does
   * not strain against its jam until someone comes; only where nothing falls when it goes limp).
   */
  onLatchedTrip: z.enum(['hold', 'torque_off']).default('hold'),
  ...axisSettingFields,
});

const Move = strictObject({
  positionMm: z.number(),
  speedMmPerS: z.number().gt(0),
});

export const Job = strictObject({
  id: z.string().min(1),
  axis: z.string(),
  moves: z.array(Move).min(1),
});

const SimulatedFault = z.discriminatedUnion('kind', [
  strictObject({ kind: z.literal('silent') }),
  strictObject({ kind: z.literal('slow'), latencyMs: z.number().gt(0).max(600_000) }),
  strictObject({ kind: z.literal('dropout'), probability: z.number().min(0).max(1) }),
  strictObject({ kind: z.literal('alarm'), code: z.int().min(1).max(65_535) }),
  strictObject({ kind: z.literal('jam') }),
  strictObject({ kind: z.literal('wear'), lagGrowthPerMin: z.number().gt(0).max(100) }),
  strictObject({ kind: z.literal('slowing_drive'), latencyMsPerMin: z.number().gt(0).max(60_000) }),
  strictObject({ kind: z.literal('degrading_link'), probabilityPerMin: z.number().gt(0).max(1) }),
]);

const FaultScheduleEntry = strictObject({
  axis: z.string(),
  atMs: z.number().min(0),
  clearAtMs: z.number().min(0).optional(),
  fault: SimulatedFault,
});

/** A PIN hash as `axisguard hash-pin` prints it: scrypt, 16-byte salt, 32-byte key, both base64. */
export const PIN_HASH_PATTERN = /^scrypt\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/;

const ConsoleOperator = strictObject({
  name: Id,
  pinHash: z.string().regex(PIN_HASH_PATTERN, {
    error: 'must be the line `axisguard hash-pin` prints ("scrypt$<salt>$<hash>"), never the PIN itself',
  }),
});

const ConsoleSocket = strictObject({
  path: z.string().min(1).default(CONSOLE_DEFAULTS.socketPath),
  mode: z
    .enum(['0600', '0660'], { error: 'mode must be "0600" (owner only) or "0660" (owner and group), quoted' })
    .default(CONSOLE_DEFAULTS.socketMode),
  requireLogin: z.boolean().default(false),
});

const ConsoleSerial = strictObject({
  path: z.string().min(1),
  baudRate: z
    .number()
    .refine((n) => (CONSOLE_BAUD_RATES as readonly number[]).includes(n), {
      error: `baudRate must be one of ${CONSOLE_BAUD_RATES.join(', ')}`,
    })
    .default(CONSOLE_DEFAULTS.baudRate),
  terminal: z.enum(['ansi', 'dumb']).default('ansi'),
});

const Console = strictObject({
  socket: ConsoleSocket.optional(),
  serial: ConsoleSerial.optional(),
  operators: z.array(ConsoleOperator).default([]),
  idleLogoutS: z.number().gt(0).max(86_400).default(CONSOLE_DEFAULTS.idleLogoutS),
  historySize: z.int().min(10).max(100_000).default(CONSOLE_DEFAULTS.historySize),
});

const maxBytesError =
  `maxBytes must be a whole number of bytes from ${JOURNAL_MAX_BYTES_RANGE.min} (64 KiB) to ${JOURNAL_MAX_BYTES_RANGE.max} (1 GiB); ` +
  `leave it out for ${JOURNAL_CONFIG_DEFAULTS.maxBytes} (16 MiB)`;
const keepFilesError =
  `keepFiles must be a whole number from ${JOURNAL_KEEP_FILES_RANGE.min} to ${JOURNAL_KEEP_FILES_RANGE.max} (rotated files kept); ` +
  `leave it out for ${JOURNAL_CONFIG_DEFAULTS.keepFiles}`;

/** Where the journal goes and how it is bounded: rotated past maxBytes, keepFiles old files kept. */
const JournalSection = strictObject({
  path: z.string().min(1),
  maxBytes: z
    .int({ error: maxBytesError })
    .min(JOURNAL_MAX_BYTES_RANGE.min, { error: maxBytesError })
    .max(JOURNAL_MAX_BYTES_RANGE.max, { error: maxBytesError })
    .default(JOURNAL_CONFIG_DEFAULTS.maxBytes),
  keepFiles: z
    .int({ error: keepFilesError })
    .min(JOURNAL_KEEP_FILES_RANGE.min, { error: keepFilesError })
    .max(JOURNAL_KEEP_FILES_RANGE.max, { error: keepFilesError })
    .default(JOURNAL_CONFIG_DEFAULTS.keepFiles),
});

/** The whole document, field by field, with the defaults that need no merging filled in. */
export const ConfigSchema = strictObject({
  line: z.string().min(1).default('line'),
  cycle: strictObject({
    periodMs: z.number().min(1).max(10_000).default(10),
    warmupMs: z.number().min(0).max(60_000).default(1000),
  }).prefault({}),
  journal: JournalSection.optional(),
  defaults: AxisSettingsOverride.optional(),
  buses: z.array(BusSchema).default([]),
  axes: z.array(Axis).min(1),
  jobs: z.array(Job).default([]),
  simulation: strictObject({ faults: z.array(FaultScheduleEntry).default([]) }).prefault({}),
  degradation: strictObject({
    windowMs: z.number().min(100).max(600_000).default(DEFAULT_WATCH.windowMs),
    warmupObservations: z.int().min(5).max(10_000).default(DEFAULT_WATCH.warmupObservations),
  }).prefault({}),
  console: Console.optional(),
  metrics: MetricsSchema.optional(),
  mqtt: MqttSchema.optional(),
  log: LogSchema.prefault({}),
});

/** The document after ConfigSchema: field-valid, defaults not yet merged into the axes. */
export type RawConfig = z.output<typeof ConfigSchema>;
