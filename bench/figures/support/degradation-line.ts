import { VirtualClock } from '../../../src/common/virtual-clock.ts';
import { buildLine } from '../../../src/compose/build-line.ts';
import { playFaultSchedule } from '../../../src/compose/fault-schedule.ts';
import { parseConfig, type SimulatedFault } from '../../../src/config/index.ts';
import type { SupervisorEvent } from '../../../src/events/events.ts';

/** One virtual-time run of a shuttling line with a slowly developing fault (or none), as the degradation figures and tests run it. */
export interface DegradationRun {
  /** Simulated drives, shuttling 50 <-> 250 mm at 150 mm/s without a pause. */
  readonly axes: number;
  /** Seed of the first axis's simulator (the others count up from it): jitter and fault draws. */
  readonly seed: number;
  /** Injected into the first axis at `faultAtMs`; none: a healthy soak. */
  readonly fault?: SimulatedFault;
  readonly faultAtMs?: number;
  /** Per-axis retries (default: the built-in 1). */
  readonly retries?: number;
  /** Virtual time to run at most; a run with a fault also ends at the first trip unless `throughTrips`. */
  readonly durationMs: number;
  /** Run the whole duration, trips and recoveries included (to count trips). */
  readonly throughTrips?: boolean;
  /** Extra YAML under `defaults:` (e.g. a downgrade plan). */
  readonly defaults?: string;
}

export interface DegradationOutcome {
  /** When the faulty axis first reported `degraded`, and on which signal. */
  readonly degradedAtMs: number | undefined;
  readonly degradedSignal: string | undefined;
  /** When the faulty axis first tripped, and why. */
  readonly tripAtMs: number | undefined;
  readonly tripReason: string | undefined;
  /** Trips of every axis. */
  readonly trips: number;
  /** `degraded` events of every axis (a healthy soak: false alarms). */
  readonly degradedEvents: number;
  readonly simulatedMs: number;
  readonly events: readonly SupervisorEvent[];
  /** The speeds the faulty axis's drive was commanded after it degraded, each once. */
  readonly speedsAfterDegraded: readonly number[];
}

/** Each move takes about 1.5 s: budgeting 1.4 s leaves moves to spare. */
const MOVE_MS_APPROX = 1400;
/** A long run repeats jobs of this many moves (a config file may hold at most 1 MiB). */
const JOB_MOVES = 100;

/** The line of `run` as YAML, each axis with one job long enough for the whole run, or of `moves` moves. */
export function degradationYaml(run: DegradationRun, moves = Math.ceil(run.durationMs / MOVE_MS_APPROX) + 10): string {
  const axes = Array.from({ length: run.axes }, (_, i) => {
    const seed = run.seed + i;
    return `  - { id: a${i}, driver: { type: simulated, seed: ${seed}, latencyMs: 1, jitterMs: 1 }, limits: { minMm: 0, maxMm: 300, maxSpeedMmPerS: 200, maxAccelMmPerS2: 1000 } }`;
  });
  const moveList = Array.from({ length: moves }, (_, i) => `{ positionMm: ${i % 2 === 0 ? 250 : 50}, speedMmPerS: 150 }`).join(', ');
  const jobs = Array.from({ length: run.axes }, (_, i) => `  - { id: j${i}, axis: a${i}, moves: [${moveList}] }`);
  const fault = run.fault
    ? `simulation:\n  faults:\n    - { axis: a0, atMs: ${run.faultAtMs ?? 0}, fault: ${JSON.stringify(run.fault)} }`
    : '';
  return [
    'line: degradation',
    'cycle: { periodMs: 10, warmupMs: 0 }',
    `defaults:\n  timeoutMs: 20\n${run.retries === undefined ? '' : `  retries: ${run.retries}\n`}${run.defaults ?? ''}`,
    `axes:\n${axes.join('\n')}`,
    `jobs:\n${jobs.join('\n')}`,
    fault,
  ].join('\n');
}

/** Runs `run` in virtual time and reports when the faulty axis degraded and when it tripped. */
export async function runDegradation(run: DegradationRun): Promise<DegradationOutcome> {
  // One job per axis in the file, repeated in the parsed config as often as the run needs.
  const parsed = parseConfig(degradationYaml(run, JOB_MOVES), 'degradation.yaml');
  const copies = Math.ceil(run.durationMs / MOVE_MS_APPROX / JOB_MOVES) + 1;
  const config = {
    ...parsed,
    jobs: parsed.jobs.flatMap((job) => Array.from({ length: copies }, (_, k) => ({ ...job, id: `${job.id}-${k + 1}` }))),
  };
  const clock = new VirtualClock();
  const line = buildLine(config, clock);
  const events: SupervisorEvent[] = [];
  let degradedAtMs: number | undefined;
  let degradedSignal: string | undefined;
  let tripAtMs: number | undefined;
  let tripReason: string | undefined;
  let trips = 0;
  let degradedEvents = 0;
  line.supervisor.onEvent((e) => {
    if (e.type === 'degraded') {
      degradedEvents++;
      if (e.axis === 'a0' && degradedAtMs === undefined) {
        degradedAtMs = e.atMs;
        degradedSignal = e.signal;
      }
    }
    if (e.type === 'trip') {
      trips++;
      if (e.axis === 'a0' && tripAtMs === undefined) {
        tripAtMs = e.atMs;
        tripReason = e.reason;
      }
    }
    if (e.type !== 'axis_state' && e.type !== 'breaker') events.push(e);
  });
  const speedsAfterDegraded = new Set<number>();
  line.simulators.get('a0')!.onRequest(({ request }) => {
    if (degradedAtMs !== undefined && request.op === 'moveTo') speedsAfterDegraded.add(request.speedMmPerS);
  });
  playFaultSchedule(config.simulation.faults, line.simulators, clock, 0);
  line.supervisor.start();
  const endsOnTrip = run.fault !== undefined && !run.throughTrips;
  await clock.runUntil(() => endsOnTrip && tripAtMs !== undefined, run.durationMs);
  const simulatedMs = clock.now();
  let stopped = false;
  void line.supervisor.stop('run over').then(() => (stopped = true));
  await clock.runUntil(() => stopped, 10_000);
  return {
    degradedAtMs,
    degradedSignal,
    tripAtMs,
    tripReason,
    trips,
    degradedEvents,
    simulatedMs,
    events,
    speedsAfterDegraded: [...speedsAfterDegraded],
  };
}
