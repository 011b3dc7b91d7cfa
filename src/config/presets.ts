import type { BreakerConfig, DowngradeConfig, FollowingErrorConfig, PresetName, RecoveryMode } from './types.ts';

/**
 * Breaker and supervision settings by axis role, the way resilience guides tune a breaker by the kind
 * of dependency (critical or not, fast or slow to recover, flaky): one table, chosen with
 * `preset:` on an axis or in `defaults:`, every key overridable beside it. Layering, nearest first:
 * the axis's own keys, its preset, `defaults:`, the built-in values (resolve.ts).
 * `axisguard presets` prints this table; README's copy is checked against it by a test.
 */
export interface Preset {
  /** The role in a few words, and why these values. */
  readonly role: string;
  readonly timeoutMs: number;
  readonly recovery: RecoveryMode;
  readonly breaker: Pick<BreakerConfig, 'consecutiveFailures' | 'cooldownMs' | 'maxCooldownMs' | 'probesToClose'>;
  readonly followingError: FollowingErrorConfig;
  readonly retries: number;
  readonly downgrade: DowngradeConfig;
}

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  conveyor: {
    role: 'belt or roller drive: not precise, tolerant of a slow answer, cheap to keep running slower',
    timeoutMs: 50,
    recovery: 'auto',
    breaker: { consecutiveFailures: 5, cooldownMs: 1000, maxCooldownMs: 30_000, probesToClose: 3 },
    followingError: { minWindowMm: 2, maxWindowMm: 20, timeMs: 200 },
    retries: 2,
    downgrade: { plan: 'derate', derateFactor: 0.5 },
  },
  'pick-and-place': {
    role: 'fast, precise, short moves: trips early, recovers by itself, hands its work on when it wears',
    timeoutMs: 20,
    recovery: 'auto',
    breaker: { consecutiveFailures: 3, cooldownMs: 250, maxCooldownMs: 4000, probesToClose: 3 },
    followingError: { minWindowMm: 0.2, maxWindowMm: 2, timeMs: 30 },
    retries: 1,
    downgrade: { plan: 'drain', derateFactor: 0.5 },
  },
  press: {
    role: 'force and tooling: critical, fails fast, never resumes without a technician, no retried writes',
    timeoutMs: 20,
    recovery: 'manual',
    breaker: { consecutiveFailures: 2, cooldownMs: 2000, maxCooldownMs: 60_000, probesToClose: 5 },
    followingError: { minWindowMm: 0.1, maxWindowMm: 1, timeMs: 20 },
    retries: 0,
    downgrade: { plan: 'drain', derateFactor: 0.5 },
  },
  gantry: {
    role: 'long heavy axis: lags more at speed, slows down rather than stops when it wears',
    timeoutMs: 30,
    recovery: 'auto',
    breaker: { consecutiveFailures: 3, cooldownMs: 500, maxCooldownMs: 10_000, probesToClose: 3 },
    followingError: { minWindowMm: 0.5, maxWindowMm: 8, timeMs: 80 },
    retries: 1,
    downgrade: { plan: 'derate', derateFactor: 0.6 },
  },
};

export const PRESET_NAMES = ['conveyor', 'pick-and-place', 'press', 'gantry'] as const satisfies readonly PresetName[];

/** The presets as a Markdown table, one row per role: what `axisguard presets` prints and README holds. */
export function presetTable(): string {
  const header = [
    '| preset | timeoutMs | recovery | breaker (failures / cooldown / max cooldown / probes) | followingError (min / max mm, ms) | retries | downgrade | role |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const rows = PRESET_NAMES.map((name) => {
    const p = PRESETS[name];
    const { breaker: b, followingError: fe, downgrade: d } = p;
    const downgrade = d.plan === 'derate' ? `derate ${d.derateFactor}` : d.plan;
    return `| ${name} | ${p.timeoutMs} | ${p.recovery} | ${b.consecutiveFailures} / ${b.cooldownMs} / ${b.maxCooldownMs} / ${b.probesToClose} | ${fe.minWindowMm} / ${fe.maxWindowMm} / ${fe.timeMs} | ${p.retries} | ${downgrade} | ${p.role} |`;
  });
  return [...header, ...rows].join('\n');
}
