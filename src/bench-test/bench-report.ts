import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AxisConfig } from '../config/index.ts';
import type { BenchSample, BenchSummary } from './bench-metrics.ts';
import type { BenchPlan } from './bench-plan.ts';
import type { SupervisorEvent } from '../events/events.ts';
import { asciiTable } from '../events/status-table.ts';

/** How the test ended. `stopped` carries what stopped it, as the operator should read it. */
export type BenchOutcome = { readonly result: 'completed' } | { readonly result: 'stopped'; readonly reason: string };

/** Where the axis was left: the last hold the supervisor sent, and whether the drive confirmed it. */
export interface HoldReport {
  readonly confirmed: boolean;
  readonly detail: string | undefined;
}

/** Everything `axisguard bench` writes to its JSON file. Times in ms from the start of the test. */
export interface BenchDocument {
  readonly kind: 'axisguard-bench';
  readonly config: string;
  readonly line: string;
  readonly axis: string;
  readonly driver: string;
  readonly clock: 'virtual' | 'real';
  readonly limits: AxisConfig['limits'];
  readonly timeoutMs: number;
  readonly inPositionMm: number;
  readonly followingError: AxisConfig['followingError'] & { readonly window: FollowingErrorWindows };
  readonly plan: Omit<BenchPlan, 'moves'> & { readonly moves: number };
  readonly outcome: BenchOutcome;
  readonly hold: HoldReport | undefined;
  readonly summary: BenchSummary;
  readonly events: readonly SupervisorEvent[];
  readonly samples: readonly BenchSample[];
}

/** The axis's following-error window at the two speeds that matter to the test, mm. */
export interface FollowingErrorWindows {
  readonly atTestSpeedMm: number;
  readonly atRestMm: number;
}

const fixed = (value: number | null, digits: number): string => (value === null ? '-' : value.toFixed(digits));

/** What the test will do, for the operator to confirm. */
export function describePlan(plan: BenchPlan, axis: AxisConfig, family: string, source: string, window: FollowingErrorWindows): string[] {
  const { minMm, maxMm, maxSpeedMmPerS, maxAccelMmPerS2 } = axis.limits;
  const share = Math.round((plan.speedMmPerS / maxSpeedMmPerS) * 100);
  return [
    `axisguard bench: axis '${plan.axis}' (${family}) of ${source}`,
    `  limits:   travel [${minMm}, ${maxMm}] mm, max ${maxSpeedMmPerS} mm/s, ${maxAccelMmPerS2} mm/s²; deadline ${axis.timeoutMs} ms per call`,
    `  profile:  ${plan.cycles} cycle(s) of ${plan.fromMm.toFixed(3)} -> ${plan.toMm.toFixed(3)} -> ${plan.fromMm.toFixed(3)} mm at ${plan.speedMmPerS} mm/s (${share} % of max), ${plan.moves.length} moves`,
    `  duration: about ${(plan.estimatedMs / 1000).toFixed(1)} s (${plan.moveProfileMs.toFixed(0)} ms profile per move, plus settling)`,
    `  stops on: drive alarm; following error beyond its window (±${window.atTestSpeedMm.toFixed(3)} mm at ${plan.speedMmPerS} mm/s, ±${window.atRestMm.toFixed(3)} mm at rest) for ${axis.followingError.timeMs} ms; ${axis.breaker.consecutiveFailures} missed deadlines in a row; Ctrl-C`,
    `  first:    re-sync (hold, wait for rest, target := actual); only '${plan.axis}' is enabled, no other axis of the line`,
  ];
}

/** The result as the operator reads it: outcome, timing, and one row per move. */
export function describeResult(summary: BenchSummary, outcome: BenchOutcome, hold: HoldReport | undefined): string[] {
  const latency = summary.readStatusLatency;
  const ended =
    outcome.result === 'completed' ? `completed: ${summary.moves.length} of ${summary.movesPlanned} moves` : `stopped: ${outcome.reason}`;
  const held =
    hold === undefined
      ? 'no hold was sent'
      : hold.confirmed
        ? 'axis held (confirmed by the drive)'
        : `hold NOT confirmed: ${hold.detail ?? 'no answer'}`;
  const rows = summary.moves.map((m) => [
    String(m.move),
    m.fromMm.toFixed(3),
    m.toMm.toFixed(3),
    fixed(m.settlingTimeMs, 0),
    m.overshootMm.toFixed(3),
    m.maxFollowingErrorMm.toFixed(3),
    m.rmsFollowingErrorMm.toFixed(3),
  ]);
  return [
    ended,
    held,
    `samples:           ${summary.samples} in ${(summary.durationMs / 1000).toFixed(3)} s (every ${summary.periodMs} ms)`,
    `readStatus round trip: p50 ${fixed(latency.p50Ms, 2)} ms, p99 ${fixed(latency.p99Ms, 2)} ms, max ${fixed(latency.maxMs, 2)} ms (${latency.calls} calls)`,
    `missed deadlines:  ${summary.missedDeadlines}${summary.failedCalls > 0 ? `; other failed calls: ${summary.failedCalls}` : ''}`,
    `following error:   max ${summary.maxFollowingErrorMm.toFixed(3)} mm`,
    '',
    ...asciiTable(['move', 'from mm', 'to mm', 'settle ms', 'overshoot mm', 'max ferror mm', 'rms ferror mm'], rows),
  ];
}

/** Names that `axisguard bench` wrote for this axis before: bench-<axis>-<n>.json or .svg. */
function lastCounter(dir: string, axis: string): number {
  const pattern = new RegExp(`^bench-${axis}-(\\d+)\\.(json|svg)$`);
  return readdirSync(dir).reduce((max, name) => Math.max(max, Number(pattern.exec(name)?.[1] ?? 0)), 0);
}

/**
 * Writes DIR/bench-<axis>-<n>.json and .svg with the next free counter n (never overwrites: a file
 * that appears meanwhile moves n on). Creates DIR. Returns both paths.
 */
export function writeBenchFiles(dir: string, axis: string, document: BenchDocument, svg: string): { json: string; svg: string } {
  mkdirSync(dir, { recursive: true });
  for (let n = lastCounter(dir, axis) + 1; ; n++) {
    const base = join(dir, `bench-${axis}-${n}`);
    try {
      writeFileSync(`${base}.json`, `${JSON.stringify(document, null, 1)}\n`, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    writeFileSync(`${base}.svg`, svg, { flag: 'wx' });
    return { json: `${base}.json`, svg: `${base}.svg` };
  }
}
