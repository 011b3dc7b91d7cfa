import { availableParallelism } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_INCOMPLETE, EXIT_OK } from '../../src/cli/exit-codes.ts';
import { loadDriveProfile } from '../../protocols/profile-schema.ts';
import { requireCapability, requireTools } from '../protocols/support/external-tools.ts';
import { cpuControllerWritable, runRealtimeLine, type RealtimeLineOptions, type RealtimeLineResult } from '../support/realtime-line.ts';
import { rerunWhileInconclusive } from '../support/inconclusive-reruns.ts';
import { hostStealCause } from '../support/host-steal.ts';
import { standInCause } from '../support/stand-in-trips.ts';
import { modbusLineConfig } from '../support/supervisor-process.ts';

/**
 * Issue #10: on a slow or busy controller, healthy axes must not trip and must finish their jobs.
 * Real processes in real time (`axisguard run` against `axisguard sim` over a socat pty pair),
 * judged by behaviour, never by exact timings, since CI has two busy cores. What each drive saw (its
 * longest request gap against its watchdog, its watchdog holds) is asserted strictly where the
 * margin is wide (a busy neighbour process); at a quarter core and under 60 ms stalls it is the
 * benchmark's to report (quarter_core, stall_tolerance_ms), since a single gap there can reach the
 * 100 ms watchdog at standstill, where the drive's own hold costs nothing. Each run lasts about 10 s.
 */
const tools = requireTools('socat');
const cpu = cpuControllerWritable();
const quota = requireCapability(cpu.writable ? undefined : cpu.reason);
/** A Pi-class CPU here: a quarter of one core (cgroup CPU quota). */
const QUARTER_CORE = { quotaUs: 1000, periodUs: 4000 };
const RUN = { drives: 4, durationS: 20 } as const;
const TIMEOUT_MS = 60_000;
const watchdogMs = (await loadDriveProfile('kpower-generic')).commLossTimeoutMs;

/** What must hold for the healthy drives, as one object so a failure shows all of it at once. */
function healthyVerdict(run: RealtimeLineResult) {
  const perUnit = (value: (unit: number) => number, bad: (v: number) => boolean) =>
    Object.fromEntries(run.healthyUnits.map((unit) => [unit, value(unit)]).filter(([, v]) => bad(v!)));
  return {
    exitCode: run.exitCode,
    healthyTrips: run.healthyTrips,
    jobsNotDone: run.healthyJobs.filter((job) => !run.jobsDone.includes(job)),
    watchdogHolds: perUnit(
      (unit) => run.watchdogHoldsBeforeStop[unit]!,
      (holds) => holds > 0,
    ),
    gapsReachingWatchdogMs: perUnit(
      (unit) => run.gapsMsByUnit[unit]!,
      (gap) => !(gap < watchdogMs),
    ),
  };
}

const HEALTHY = { healthyTrips: [], jobsNotDone: [], watchdogHolds: {}, gapsReachingWatchdogMs: {} };

/** A stall the test process made longer than asked, ms over: its own timer ran late (a busy or frozen CPU). */
const STALL_OVERRUN_MS = 10;

/**
 * A trip after a stall the supervisor itself measured this much longer than asked: after SIGCONT the
 * machine kept it from running (on a busy CI machine once 30 ms: a 90 ms stall of ours, past the 60 ms
 * this test asks about; the true tolerance is the benchmark's stall_tolerance_ms).
 */
const OWN_STALL_OVERRUN_MS = 20;

/**
 * Runs the line, again (rerunWhileInconclusive) while the machine or the stand-in disturbed the run
 * rather than the supervisor: a stall came out more than STALL_OVERRUN_MS longer than asked (the
 * SIGCONT comes from this test process's own timer, and on a busy CI machine it once came 100 ms
 * late: every drive then saw a 162 ms gap and held, a run of 150 ms stalls that says nothing about
 * 60 ms ones), a healthy trip came after a stall of ours more than OWN_STALL_OVERRUN_MS longer than
 * asked, every healthy trip came after the simulator missed answers of its drive on the wire
 * (standInCause), or the run failed while the host took a CPU away from the whole machine for 50 ms
 * or more within 100 ms (hostStealCause).
 */
function runConclusively(options: RealtimeLineOptions): Promise<RealtimeLineResult> {
  return rerunWhileInconclusive(
    () => runRealtimeLine(options),
    (run) => {
      const asked = options.stalls?.stallMs;
      const overran = asked === undefined ? [] : run.stallsMs.filter((ms) => ms > asked + STALL_OVERRUN_MS);
      if (overran.length > 0) return `stalls of ${overran.map(Math.round).join(', ')} ms instead of ${asked}`;
      const heldLonger = asked === undefined ? [] : run.healthyTrips.filter((t) => (t.ownStallMs ?? 0) > asked + OWN_STALL_OVERRUN_MS);
      if (heldLonger.length > 0)
        return `trips after stalls of ours of ${heldLonger.map((t) => t.ownStallMs).join(', ')} ms, asked ${asked}: the machine held the supervisor after SIGCONT`;
      return standInCause(run) ?? hostStealCause(run, watchdogMs);
    },
  );
}

/** No healthy trip, every healthy job done, and (`drivesHeard`) no healthy drive's watchdog reached. */
async function expectHealthyDrivesHeld(options: RealtimeLineOptions, { drivesHeard = true } = {}): Promise<RealtimeLineResult> {
  const run = await runConclusively(options);
  const verdict = healthyVerdict(run);
  const judged = drivesHeard ? verdict : { ...verdict, watchdogHolds: {}, gapsReachingWatchdogMs: {} };
  // A silent drive's job is parked: the run says so with exit 3; with every drive healthy, 0.
  const exitCode = options.silentUnits?.length ? EXIT_INCOMPLETE : EXIT_OK;
  // Under a quota the supervisor keeps its threads on one CPU (src/realtime/one-cpu.ts), as its log says.
  if (options.cpuQuota) {
    const cpuAffinity = /"event":"cpu_affinity","outcome":"(\w+)"/.exec(run.stderr)?.[1];
    expect(cpuAffinity).toBe(availableParallelism() > 1 ? 'pinned' : 'not_needed');
    // ...and its helper threads in a group of their own inside the quota's, capped at half of it (src/realtime/helper-cap.ts).
    expect(/"event":"helper_cap","outcome":"(\w+)"/.exec(run.stderr)?.[1]).toBe('capped');
  }
  // V8 inlines only with more than one CPU to use (src/realtime/jit-inlining.ts), as its log says.
  const keptOff = ['0', 'no-inlining'].includes(process.env.AXISGUARD_OPTIMIZING_JIT ?? '');
  // Every quota here is of one core or less.
  expect(run.jitInlining).toBe(!(options.cpuQuota || availableParallelism() === 1 || keptOff));
  const detail = `${JSON.stringify({ gapsMs: run.gapsMsByUnit, watchdogHolds: run.watchdogHoldsBeforeStop, hostStealMs: Math.round(run.hostStealMs), hostStealPeakMs: Math.round(run.hostStealPeakMs) })}${run.exitCode === 0 ? '' : `; stderr: ${run.stderr.slice(-1500)}`}`;
  expect(judged, detail).toEqual({ ...HEALTHY, exitCode });
  return run;
}

// One retry at a quarter core, and only there: on a busy 2-core CI machine a run can still lose a
// drive's keep-alive to a stall of ours (issue #10 is open on exactly this margin; an A/B on an idle
// machine on 2026-12-05 tripped in 1 to 3 of 8 runs depending on the build). The true rate is the
// benchmark's to report (quarter_core, 5 runs per case, BENCHMARKS.md), never hidden by this retry.
describe.skipIf(tools.skip || quota.skip)('hold time at a quarter of one core', { timeout: TIMEOUT_MS, retry: 1 }, () => {
  beforeAll(() => {
    tools.assertPresent();
    quota.assertPresent();
  });

  it('four healthy drives: no trip, every job done', async () => {
    await expectHealthyDrivesHeld({ ...RUN, cpuQuota: QUARTER_CORE }, { drivesHeard: false });
  });

  it('drive 4 silent from 1 s: the other three finish their jobs untripped', async () => {
    await expectHealthyDrivesHeld({ ...RUN, cpuQuota: QUARTER_CORE, silentUnits: [4], silentAfterS: 1 }, { drivesHeard: false });
  });
});

describe.skipIf(tools.skip)('hold time on a stalled or busy controller', { timeout: TIMEOUT_MS }, () => {
  beforeAll(() => tools.assertPresent());

  it('60 ms SIGSTOP stalls every 500 ms: no trip, every job done; the stalls reported as the process not running', async () => {
    const run = await expectHealthyDrivesHeld({ ...RUN, stalls: { stallMs: 60, everyMs: 500 } }, { drivesHeard: false });
    // A stopped process uses no CPU, and its stall events say so (the period before a stall may
    // have been busy, compiling say: the median of them, not each one).
    const shares = run.events.filter((e) => e.type === 'stall').map((e) => Number(e.cpuMs) / Number(e.cpuOverMs));
    expect(shares.length).toBeGreaterThan(0);
    expect(shares.sort((a, b) => a - b)[Math.floor(shares.length / 2)]).toBeLessThan(0.1);
  });

  it('a busy-loop process beside the supervisor: no trip, every job done, no watchdog hold', async () => {
    await expectHealthyDrivesHeld({ ...RUN, busyLoop: true });
  });

  it('a busy-loop process beside the pty integration test line: no trip, every job done, no watchdog hold', async () => {
    await expectHealthyDrivesHeld({ ...RUN, busyLoop: true, line: (port) => modbusLineConfig(port, '', 'shipped') });
  });
});
