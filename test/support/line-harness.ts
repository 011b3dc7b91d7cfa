import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { buildLine, type BuiltLine } from '../../src/compose/build-line.ts';
import { playFaultSchedule } from '../../src/compose/fault-schedule.ts';
import { parseConfig } from '../../src/config/index.ts';
import type { RestorePlan } from '../../src/line/restore-plan.ts';
import type { DriveRequest, SimulatedDrive } from '../../sim/simulated-drive.ts';
import type { SimFaultEvent, SupervisorEvent } from '../../src/events/events.ts';

export interface RecordedRequest {
  readonly axis: string;
  readonly atMs: number;
  readonly request: DriveRequest;
  readonly outcome: string;
}

/** A line from YAML on a virtual clock, recording every supervisor event and every drive request. */
export interface LineHarness {
  readonly clock: VirtualClock;
  readonly line: BuiltLine;
  readonly events: Array<SupervisorEvent | SimFaultEvent>;
  readonly requests: RecordedRequest[];
  readonly fatal: unknown[];
  /** Runs until every job is settled (or `limitMs` of virtual time), then stops the supervisor. */
  runToEnd(limitMs?: number): Promise<void>;
  /** Runs virtual time until `done()` or `limitMs`. */
  runUntil(done: () => boolean, limitMs?: number): Promise<boolean>;
  stop(): Promise<void>;
  requestsOf(axis: string, op?: DriveRequest['op']): RecordedRequest[];
  eventsOf<T extends SupervisorEvent['type']>(type: T): Array<Extract<SupervisorEvent, { type: T }>>;
}

/** `restore`: what an earlier run left, taken over before the line starts (as `axisguard run` does from its journal). */
export function startLine(yaml: string, { restore }: { readonly restore?: RestorePlan } = {}): LineHarness {
  const config = parseConfig(yaml, 'test.yaml');
  const clock = new VirtualClock();
  const line = buildLine(config, clock);
  const events: Array<SupervisorEvent | SimFaultEvent> = [];
  const requests: RecordedRequest[] = [];
  const fatal: unknown[] = [];
  line.supervisor.onEvent((e) => events.push(e));
  line.supervisor.onFatal((e) => fatal.push(e));
  for (const [axis, drive] of line.simulators) drive.onRequest((r) => requests.push({ axis, ...r }));
  playFaultSchedule(config.simulation.faults, line.simulators, clock, 0).onFault((e) => events.push(e));
  if (restore) line.supervisor.restore(restore);
  line.supervisor.start();
  const runUntil = (done: () => boolean, limitMs = 120_000) => clock.runUntil(done, limitMs);
  const stop = async () => {
    let stopped = false;
    void line.supervisor.stop('test over').then(() => (stopped = true));
    await clock.runUntil(() => stopped);
  };
  return {
    clock,
    line,
    events,
    requests,
    fatal,
    runUntil,
    stop,
    async runToEnd(limitMs = 120_000) {
      await runUntil(() => line.supervisor.isSettled(), limitMs);
      await stop();
    },
    requestsOf: (axis, op) => requests.filter((r) => r.axis === axis && (op === undefined || r.request.op === op)),
    eventsOf: <T extends SupervisorEvent['type']>(type: T) =>
      events.filter((e): e is Extract<SupervisorEvent, { type: T }> => e.type === type),
  };
}

/** A compact line config: `axes` as YAML list items, jobs and faults likewise. */
export function lineYaml(parts: { axes: string; jobs?: string; faults?: string; defaults?: string }): string {
  return [
    'line: test-line',
    'cycle: { periodMs: 10, warmupMs: 0 }',
    `defaults:\n  timeoutMs: 20\n  breaker: { consecutiveFailures: 3, cooldownMs: 500, maxCooldownMs: 4000, probesToClose: 3 }\n  followingError: { minWindowMm: 1, maxWindowMm: 10, timeMs: 40 }\n${parts.defaults ?? ''}`,
    `axes:\n${parts.axes}`,
    `jobs:\n${parts.jobs ?? '  []'}`,
    parts.faults ? `simulation:\n  faults:\n${parts.faults}` : '',
  ].join('\n');
}

/** One simulated axis as a YAML list item. */
export function simAxis(id: string, extra = '', limits = '{ minMm: 0, maxMm: 600, maxSpeedMmPerS: 400, maxAccelMmPerS2: 2000 }'): string {
  return `  - id: ${id}\n    driver: { type: simulated, seed: ${id.length} }\n    limits: ${limits}\n${extra}`;
}

/**
 * A line of one simulated axis `a` whose job `j` is one move to 400 mm at 300 mm/s: runs it until
 * the drive is at `atMm`, then does `act` to the drive (a fault, a hold of its own) and runs until
 * the first trip or `withinMs` after. `actedAtMs` is when `act` was done.
 */
export async function tripMidMove(
  atMm: number,
  act: (drive: SimulatedDrive) => void,
  withinMs: number,
): Promise<{ h: LineHarness; drive: SimulatedDrive; actedAtMs: number }> {
  const h = startLine(
    lineYaml({ axes: simAxis('a'), jobs: '  - id: j\n    axis: a\n    moves:\n      - { positionMm: 400, speedMmPerS: 300 }\n' }),
  );
  const drive = h.line.simulators.get('a')!;
  await h.runUntil(() => drive.peekStatus().positionMm >= atMm);
  const actedAtMs = h.clock.now();
  act(drive);
  await h.runUntil(() => h.eventsOf('trip').length > 0, actedAtMs + withinMs);
  return { h, drive, actedAtMs };
}
