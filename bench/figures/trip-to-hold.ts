import { runChild } from '../child.ts';
import { LINE_SETTINGS } from '../children/line-yaml.ts';
import type { Figure, Row } from '../figure.ts';
import { round, spread } from '../stats.ts';

interface TripOutput {
  readonly kind: 'jam' | 'silent';
  readonly trials: number;
  readonly missed: number;
  readonly windowMm: number;
  readonly injectToHold: readonly number[];
  readonly injectToDetectable: readonly number[];
  readonly detectableToHold: readonly number[];
}

const TRIALS = 200;
const FAULTS = [
  { kind: 'jam', seed: 1 },
  { kind: 'silent', seed: 2 },
] as const;

const ms = (s: { p50: number; p99: number; max: number }) => `${s.p50.toFixed(1)} / ${s.p99.toFixed(1)} / ${s.max.toFixed(1)} ms`;
const rounded = (s: { p50: number; p99: number; max: number }) => ({ p50: round(s.p50), p99: round(s.p99), max: round(s.max) });

export const tripToHold: Figure = {
  key: 'trip_to_hold_ms',
  glossary: {
    followingErrorTimeMs: 'following error must stay outside its window this long to trip, ms',
    consecutiveFailures: 'missed deadlines that open the breaker',
    '*.trials': 'trials of this fault kind',
    '*.missed': 'trials in which the hold never reached the drive',
    '*.windowMm': 'following-error window at the fault, mm',
    '*.injectToHold.p50/p99/max': 'fault injected → hold request at the drive, ms: p50 / p99 / max',
    '*.injectToDetectable.p50/p99/max': 'fault injected → first instant it could be detected, ms: p50 / p99 / max',
    '*.detectableToHold.p50/p99/max': 'detectable → hold request at the drive, ms: p50 / p99 / max',
  },
  title: 'Fault to hold at the drive (virtual time)',
  timed: false,
  method:
    `${TRIALS} trials per fault kind, each a fresh one-axis line (10 ms cycle, 20 ms deadline, 1 ms answer latency) running a 400 mm move at 300 mm/s; ` +
    'the fault comes a seeded random 0–1000 ms after the move command reached the drive. injection→hold: until the hold request reaches the simulated drive. ' +
    'detectable→hold: jam from the instant the following error has been outside its window for timeMs (crossing interpolated between the drive samples around it), ' +
    "silent from the deadline of the first unanswered request (the breaker then waits for consecutiveFailures misses by design). The in-process simulator receives a request the instant it is sent: no wire time.",
  async measure(progress) {
    const { periodMs, timeoutMs, followingError, breaker } = LINE_SETTINGS;
    const result: Record<string, unknown> = {
      periodMs,
      timeoutMs,
      followingErrorTimeMs: followingError.timeMs,
      consecutiveFailures: breaker.consecutiveFailures,
    };
    const rows: Row[] = [];
    for (const { kind, seed } of FAULTS) {
      progress(kind);
      const out = await runChild<TripOutput>('trip-to-hold.ts', [kind, TRIALS, seed]);
      const injectToHold = spread(out.injectToHold);
      const detectableToHold = spread(out.detectableToHold);
      const injectToDetectable = spread(out.injectToDetectable);
      result[kind] = {
        trials: out.trials,
        missed: out.missed,
        ...(kind === 'jam' ? { windowMm: out.windowMm } : {}),
        injectToHold: rounded(injectToHold),
        injectToDetectable: rounded(injectToDetectable),
        detectableToHold: rounded(detectableToHold),
      };
      const held = `${out.trials - out.missed}/${out.trials} held`;
      rows.push(
        { item: `${kind}: injection → hold`, value: ms(injectToHold), note: `p50 / p99 / max; ${held}` },
        { item: `${kind}: detectable → hold`, value: ms(detectableToHold), note: `injection → detectable ${ms(injectToDetectable)}` },
      );
    }
    rows.push({
      item: 'poll period / deadline',
      value: `${periodMs} / ${timeoutMs} ms`,
      note: `following error timeMs ${followingError.timeMs}, breaker opens after ${breaker.consecutiveFailures} misses`,
    });
    return { result, rows };
  },
};
