import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RealClock } from '../../../src/common/clock.ts';
import { processCpuMs } from '../../../test/support/realtime-line.ts';
import { runSupervisor, type JsonEvent, type SupervisorProcess } from '../../../test/support/supervisor-process.ts';
import { round } from '../../stats.ts';

/**
 * Two `axisguard run`s of the same generated line at the same time, one with something added (an
 * edge node, pages watching it), so whatever else loads the machine loads both alike: their cycle
 * histograms (from /metrics near the end), process CPU over a steady window, stalls and trips.
 */

const clock = new RealClock();
export const PAIR_AXES = 8;
export const PAIR_DURATION_S = 14;
/** Steady state: every axis shuttling; then the storm, from STORM.fromS on. */
export const STEADY = { fromS: 3, toS: 8 };
export const STORM = { fromS: 8, toS: 11 };
const STORM_AT_MS = STORM.fromS * 1000;

/**
 * An 8-axis line of simulated drives, each shuttling for the whole run; at STORM.fromS a fault storm
 * (jams, silences, an alarm, dropouts on six axes at once); `extra` YAML lines appended (a section).
 */
export function pairLineYaml(name: string, extra: readonly string[] = []): string {
  const ids = Array.from({ length: PAIR_AXES }, (_, i) => `ax${i + 1}`);
  const shuttle = Array.from({ length: 20 }, (_, i) => `{ positionMm: ${i % 2 === 0 ? 400 : 20}, speedMmPerS: 300 }`).join(', ');
  const faults = [
    `{ axis: ax1, atMs: ${STORM_AT_MS}, fault: { kind: jam } }`,
    `{ axis: ax2, atMs: ${STORM_AT_MS}, fault: { kind: jam } }`,
    `{ axis: ax3, atMs: ${STORM_AT_MS}, clearAtMs: ${STORM_AT_MS + 1500}, fault: { kind: silent } }`,
    `{ axis: ax4, atMs: ${STORM_AT_MS}, clearAtMs: ${STORM_AT_MS + 1500}, fault: { kind: silent } }`,
    `{ axis: ax5, atMs: ${STORM_AT_MS}, fault: { kind: alarm, code: 7 } }`,
    `{ axis: ax6, atMs: ${STORM_AT_MS}, clearAtMs: ${STORM_AT_MS + 3000}, fault: { kind: dropout, probability: 0.5 } }`,
  ];
  return [
    `line: ${name}`,
    'cycle: { periodMs: 10, warmupMs: 200 }',
    'metrics: { port: 0 }',
    // Windows that fit the simulated drives' servo lag at 300 mm/s: only the storm trips.
    'defaults: { followingError: { minWindowMm: 1, maxWindowMm: 10, timeMs: 40 } }',
    'axes:',
    ...ids.map(
      (id) =>
        `  - { id: ${id}, driver: { type: simulated, seed: ${id.length} }, limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 400, maxAccelMmPerS2: 3000 } }`,
    ),
    'jobs:',
    ...ids.map((id) => `  - { id: job-${id}, axis: ${id}, moves: [${shuttle}] }`),
    'simulation:',
    '  faults:',
    ...faults.map((f) => `    - ${f}`),
    ...extra,
  ].join('\n');
}

export interface CycleFigures {
  readonly cycles: number;
  readonly meanMs: number;
  /** Upper bound of the histogram bucket that holds the 99th percentile, ms. */
  readonly p99BucketMs: number;
}

/** The supervision cycle histogram of a running line, from its /metrics. */
async function scrapeCycles(run: SupervisorProcess): Promise<CycleFigures> {
  const text = await (await fetch(metricsUrl(run))).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  const count = value('axisguard_supervision_cycle_duration_seconds_count');
  const sum = value('axisguard_supervision_cycle_duration_seconds_sum');
  const buckets = [...text.matchAll(/^axisguard_supervision_cycle_duration_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm)].map((m) => ({
    le: m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]),
    cumulative: Number(m[2]),
  }));
  const p99 = buckets.find((b) => b.cumulative >= 0.99 * count)?.le ?? Number.NaN;
  return { cycles: count, meanMs: round((sum / count) * 1000, 3), p99BucketMs: p99 * 1000 };
}

export const metricsUrl = (run: SupervisorProcess): string => run.events.find((e) => e.type === 'metrics_listening')?.url as string;

export const untilEvent = async (run: SupervisorProcess, type: string): Promise<JsonEvent> => {
  while (!run.events.some((e) => e.type === type)) await clock.sleep(20);
  return run.events.find((e) => e.type === type) as JsonEvent;
};

export interface SideFigures {
  readonly cycle: CycleFigures;
  readonly cpuMsPerS: number;
  readonly stalls: number;
  readonly trips: number;
}

/**
 * Runs the two lines (`with` and `without`: YAML texts) together for PAIR_DURATION_S; `started` is
 * called once both have started, with the `with` run and the time (this clock) of its start event.
 */
export async function runLinePair(
  dir: string,
  yaml: { readonly with: string; readonly without: string },
  started: (run: SupervisorProcess) => Promise<void> | void = () => undefined,
): Promise<{ readonly with: SideFigures; readonly without: SideFigures; readonly t0: number }> {
  const config = (name: string, text: string) => {
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, text);
    return path;
  };
  const args = ['--until', 'never', '--duration', String(PAIR_DURATION_S)];
  const a = runSupervisor(config('with', yaml.with), args);
  const b = runSupervisor(config('without', yaml.without), args);
  const [startA] = await Promise.all([untilEvent(a, 'start'), untilEvent(b, 'start'), untilEvent(a, 'metrics_listening')]);
  const t0 = clock.now() - (startA.atMs as number);
  await started(a);
  const cpu: number[][] = [[], []];
  const readCpu = () => {
    for (const [i, run] of [a, b].entries()) cpu[i]!.push(processCpuMs(run.child.pid!) ?? Number.NaN);
  };
  await clock.sleep(Math.max(0, t0 + STEADY.fromS * 1000 - clock.now()));
  readCpu();
  await clock.sleep(Math.max(0, t0 + STEADY.toS * 1000 - clock.now()));
  readCpu();
  await clock.sleep(Math.max(0, t0 + (PAIR_DURATION_S - 1) * 1000 - clock.now()));
  const cycles = await Promise.all([scrapeCycles(a), scrapeCycles(b)]);
  await Promise.all([a.exit, b.exit]);
  const side = (run: SupervisorProcess, i: number): SideFigures => ({
    cycle: cycles[i]!,
    cpuMsPerS: round((cpu[i]![1]! - cpu[i]![0]!) / (STEADY.toS - STEADY.fromS)),
    stalls: run.events.filter((e) => e.type === 'stall').length,
    trips: run.events.filter((e) => e.type === 'trip').length,
  });
  return { with: side(a, 0), without: side(b, 1), t0 };
}
