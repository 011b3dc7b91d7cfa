import { EXIT_INCOMPLETE, EXIT_OK } from '../../src/cli/exit-codes.ts';
import { loadDriveProfile } from '../../protocols/profile-schema.ts';
import {
  cpuControllerWritable,
  runRealtimeLine,
  type RealtimeLineOptions,
  type RealtimeLineResult,
  type Trip,
} from '../../test/support/realtime-line.ts';
import { rerunWhileInconclusive } from '../../test/support/inconclusive-reruns.ts';
import { hostStealCause } from '../../test/support/host-steal.ts';
import { standInCause } from '../../test/support/stand-in-trips.ts';
import type { Figure, Row } from '../figure.ts';
import { round } from '../stats.ts';

const RUNS = 5;
/** A Pi-class CPU here (a Pi 4 core runs Node roughly 3-5x slower than one core of this machine). */
const QUARTER_CORE = { quotaUs: 1000, periodUs: 4000 };
const SILENT_AFTER_S = 1;
const CASES = [
  { key: 'healthy_4', label: '4 healthy drives', silentUnits: [] },
  { key: 'silent_1_of_4', label: `drive 4 silent from ${SILENT_AFTER_S} s`, silentUnits: [4] },
] as const;

/** One run of the line; a master that did not end cleanly (refused config, crash) fails the figure rather than count as a result. */
export async function cleanRun(options: RealtimeLineOptions): Promise<RealtimeLineResult> {
  const run = await runRealtimeLine(options);
  // 3: the run ended with work not done (a silent drive's parked job), which the figures count themselves.
  if (run.exitCode !== EXIT_OK && run.exitCode !== EXIT_INCOMPLETE)
    throw new Error(`axisguard run exited with ${run.exitCode}:\n${run.stderr.slice(-1500)}`);
  return run;
}

/** A run of the hold-time rig, with why earlier attempts at it were run again, if any were: the stand-in's misses (standInCause) or the host's steal (hostStealCause). */
export type HoldRun = RealtimeLineResult & { readonly rerunsForStandIn: readonly string[]; readonly rerunsForHost: readonly string[] };

/** The quarter-core target for every healthy drive's longest request gap, ms. */
const GAP_TARGET_MS = 60;

/**
 * One run of the hold-time rig that says something about the supervisor: run again (3 attempts at
 * most, the last kept whatever it shows) while every healthy trip came after the simulator missed
 * answers of its drive on the wire, or while the run missed its target (a trip, a gap of
 * `gapTargetMs` or more) with the host taking a CPU away from the whole machine for 50 ms or more
 * within 100 ms. Every rerun and its reason is kept for the figure to report.
 */
export async function conclusiveRun(options: RealtimeLineOptions, gapTargetMs = GAP_TARGET_MS): Promise<HoldRun> {
  const reasons = { standIn: [] as string[], host: [] as string[] };
  const cause = (attempt: RealtimeLineResult) => {
    const standIn = standInCause(attempt);
    if (standIn) return { list: reasons.standIn, why: standIn };
    const host = hostStealCause(attempt, gapTargetMs);
    return host ? { list: reasons.host, why: host } : undefined;
  };
  const run = await rerunWhileInconclusive(
    () => cleanRun(options),
    (attempt) => cause(attempt)?.why,
    { onRerun: (why, attempt) => cause(attempt)?.list.push(why) },
  );
  return { ...run, rerunsForStandIn: reasons.standIn, rerunsForHost: reasons.host };
}

/** Trip details kept per step or case: the first few say what went wrong; more would only repeat it. */
const TRIP_DETAILS_KEPT = 3;

/** What socat saw of the tripped drive in the 300 ms before the trip. */
export const wireNote = (trip: Trip): string =>
  ` [on the wire in the 300 ms before: ${trip.lateStandInAnswersBefore} of this drive's answers later than the line allows, ${trip.unansweredStandInRequestsBefore} of its requests never answered]`;

/** The runs made again for the stand-in's misses or the host's steal, for a figure's row; empty when none were. */
export const rerunNote = (outcome: { readonly standInReruns: number; readonly hostStealReruns: number }): string =>
  (outcome.standInReruns === 0 ? '' : `; runs made again after the simulator missed answers before every trip: ${outcome.standInReruns}`) +
  (outcome.hostStealReruns === 0 ? '' : `; runs made again after the host took a CPU away for 50 ms or more: ${outcome.hostStealReruns}`);

/** What the healthy drives saw over `runs`, as results.json keeps it. */
export function healthyOutcome(runs: readonly HoldRun[]) {
  const count = (run: RealtimeLineResult) => run.healthyJobs.filter((job) => run.jobsDone.includes(job)).length;
  return {
    healthyTrips: runs.reduce((sum, r) => sum + r.healthyTrips.length, 0),
    runsWithHealthyTrip: runs.filter((r) => r.healthyTrips.length > 0).length,
    tripReasons: [...new Set(runs.flatMap((r) => r.healthyTrips.map((t) => t.reason)))],
    // Runs made again because their only trips followed the stand-in's own misses (conclusiveRun), and the first reasons.
    standInReruns: runs.reduce((sum, r) => sum + r.rerunsForStandIn.length, 0),
    standInRerunReasons: runs.flatMap((r) => r.rerunsForStandIn).slice(0, TRIP_DETAILS_KEPT),
    // Runs made again because they missed the target while the host took a CPU away from the whole machine.
    hostStealReruns: runs.reduce((sum, r) => sum + r.rerunsForHost.length, 0),
    hostStealRerunReasons: runs.flatMap((r) => r.rerunsForHost).slice(0, TRIP_DETAILS_KEPT),
    // What tripped, in the supervisor's words, so a failed run can be read without running it again.
    tripDetails: runs
      .flatMap((r) => r.healthyTrips.map((t) => `${t.axis} ${t.reason}: ${t.detail}${wireNote(t)}`))
      .slice(0, TRIP_DETAILS_KEPT),
    // The stand-in's own lateness, seen on the wire: an answer later than the line allows is a miss to the supervisor.
    lateStandInAnswersPerRun: runs.map((r) => r.lateStandInAnswers.length),
    jobsDone: runs.reduce((sum, r) => sum + count(r), 0),
    jobs: runs.reduce((sum, r) => sum + r.healthyJobs.length, 0),
    watchdogHolds: runs.reduce((sum, r) => sum + r.healthyWatchdogHolds, 0),
    longestGapMs: round(Math.max(...runs.map((r) => r.longestHealthyGapMs))),
    longestGapMsPerRun: runs.map((r) => round(r.longestHealthyGapMs)),
    longestWireGapMsPerRun: runs.map((r) => round(r.longestHealthyWireGapMs)),
    // Beside each run's gap: whether the supervisor itself had been late, and how late (a gap of ours, not the bus's).
    longestOwnStallMsPerRun: runs.map((r) => round(r.longestOwnStallMs)),
    // Beside each run's gap: what the host took from the whole machine meanwhile (no code of ours or the stand-in's can help that).
    hostStealMsPerRun: runs.map((r) => round(r.hostStealMs)),
    hostStealPeakMsPerRun: runs.map((r) => round(r.hostStealPeakMs)),
  };
}

export const quarterCore: Figure = {
  key: 'quarter_core',
  glossary: {
    quotaUs: "CPU quota of the supervisor's cgroup per period, µs",
    periodUs: 'cgroup CPU period, µs (quotaUs / periodUs = the share of one core)',
    runsPerCase: 'runs of each case',
    watchdogMs: "the drives' comm-loss watchdog (kpower-generic commLossTimeoutMs), ms",
  },
  title: 'A quarter of one core: trips of healthy axes and the longest request gap their drives saw',
  timed: true,
  method:
    `The issue #10 rig (test/support/realtime-line.ts): \`axisguard run\` of examples/modbus-line.yaml (4 Kpower-style drives, 10 ms cycle, fallbacks removed so each axis runs its own job) against \`axisguard sim\` over a socat pty pair (115200 baud 8E1, wire time modelled), ` +
    `the supervisor alone in a cgroup-v1 (or v2) CPU quota of ${QUARTER_CORE.quotaUs} µs per ${QUARTER_CORE.periodUs} µs, a quarter of one core, from its first instruction (where the supervisor, seeing a quota of one core or less, keeps all its threads on one CPU itself, src/realtime/one-cpu.ts, and caps its helper threads at half of the quota in a group inside it, src/realtime/helper-cap.ts); the sim and socat run outside it. ` +
    `${RUNS} runs of each case, alternating: 4 healthy drives; drive 4 silent (sim \`inject 4 silent\`) ${SILENT_AFTER_S} s after the supervisor's start event. A run ends when every job is done or parked. ` +
    "Counted over the healthy drives only: the supervisor's trips, their jobs done, the drives' comm-loss watchdog holds before the supervisor's stop event, and the longest time between two requests that reached a drive while its watchdog was armed (the sim's longestRequestGapMs), and the same timed on the wire from socat's log (from the drive's first re-sync on: without the simulator's own lateness in getting to a request; longestWireGapMsPerRun). " +
    `socat logs every transfer (\`-x -v\`): per run, the answers that came later than the line allows (wire time + slackMs; lateStandInAnswersPerRun), and in a trip's detail how many of its drive's answers were late, and how many of its requests never answered, in the 300 ms before it: the stand-in's lateness, which the supervisor can only count as a miss. A run whose every healthy trip came after such a miss of its drive (with no stall of ours named in the trip, or with every failed call of its row sent to a request the simulator missed) is made again (3 attempts at most, the last kept whatever it shows; standInReruns says how many and why). ` +
    "Beside each run, the host's steal (/proc/stat: time the hypervisor ran something else while this machine's CPUs had work), which every process here loses at once: a run that missed its target (a trip, a gap of 60 ms or more) while the host took a CPU away for 50 ms or more within 100 ms says nothing about the code, and is made again the same way (3 attempts at most, the last kept; hostStealReruns). " +
    'The target: no trip, every job done, every gap under 60 ms (the watchdog is 100 ms).',
  async measure(progress) {
    const cpu = cpuControllerWritable();
    if (!cpu.writable) throw new Error(cpu.reason);
    const { commLossTimeoutMs: watchdogMs } = await loadDriveProfile('kpower-generic');
    const runs = new Map<string, HoldRun[]>(CASES.map((c) => [c.key, []]));
    for (let i = 0; i < RUNS; i++) {
      for (const c of CASES) {
        progress(`${c.key}, run ${i + 1}/${RUNS}`);
        runs.get(c.key)!.push(
          await conclusiveRun({
            drives: 4,
            durationS: 30,
            cpuQuota: QUARTER_CORE,
            silentUnits: c.silentUnits,
            silentAfterS: SILENT_AFTER_S,
          }),
        );
      }
    }
    const result: Record<string, unknown> = { ...QUARTER_CORE, runsPerCase: RUNS, watchdogMs };
    const rows: Row[] = [];
    for (const c of CASES) {
      const outcome = healthyOutcome(runs.get(c.key)!);
      result[c.key] = outcome;
      rows.push({
        item: `${c.label}: healthy trips`,
        value: `${outcome.healthyTrips} in ${outcome.runsWithHealthyTrip}/${RUNS} runs`,
        note: `target 0; jobs done ${outcome.jobsDone}/${outcome.jobs}; drive watchdog holds ${outcome.watchdogHolds}${outcome.tripReasons.length > 0 ? `; trips: ${outcome.tripReasons.join(', ')}` : ''}; simulator answers late per run ${outcome.lateStandInAnswersPerRun.join(', ')}${rerunNote(outcome)}`,
      });
      rows.push({
        item: `${c.label}: longest request gap`,
        value: `${outcome.longestGapMs.toFixed(0)} ms`,
        note: `target < 60 ms (watchdog ${watchdogMs} ms); per run ${outcome.longestGapMsPerRun.map((g) => g.toFixed(0)).join(', ')} ms (on the wire ${outcome.longestWireGapMsPerRun.map((g) => g.toFixed(0)).join(', ')} ms); our own longest stall per run ${outcome.longestOwnStallMsPerRun.map((g) => g.toFixed(0)).join(', ')} ms; the host's steal per run, most in 100 ms on one CPU: ${outcome.hostStealPeakMsPerRun.map((g) => g.toFixed(0)).join(', ')} ms`,
      });
    }
    return { result, rows };
  },
};
