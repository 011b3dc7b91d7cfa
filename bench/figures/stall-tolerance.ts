import type { Figure, Row } from '../figure.ts';
import { round, spread } from '../stats.ts';
import { conclusiveRun, healthyOutcome, rerunNote, type HoldRun } from './quarter-core.ts';

const FIRST_MS = 20;
const LAST_MS = 120;
const STEP_MS = 10;
const EVERY_MS = 500;
const RUNS = 3;

export const stallTolerance: Figure = {
  key: 'stall_tolerance_ms',
  glossary: {
    toleratedMs: `largest SIGSTOP stall (step) with no trip of a healthy axis in ${RUNS} runs, every lower step too, ms; null when the first step (${FIRST_MS} ms) already trips`,
    everyMs: 'a stall starts every this many ms',
    runsPerStep: 'runs of each step (fewer at the step that tripped: it stops at the first run with a trip)',
    'steps.[].stallMs': 'the stall asked for, ms',
    'steps.[].runs': 'runs made at this step',
    'steps.[].stalls': 'stalls made at this step, all runs',
    'steps.[].achievedMs.p50/p99/max': 'stall lengths as achieved (SIGSTOP to SIGCONT, timer lateness included), ms: p50 / p99 / max',
  },
  title: 'Stall tolerance: the longest SIGSTOP stall of the supervisor that trips no healthy axis',
  timed: true,
  method:
    "The issue #10 rig (see quarter_core), no CPU quota: from the supervisor's start event on, the harness stops it with SIGSTOP and resumes it with SIGCONT " +
    `once every ${EVERY_MS} ms (stall start to stall start), as a busy controller, a GC pause or a blocking write would. ` +
    `Steps of ${STEP_MS} ms from ${FIRST_MS} to ${LAST_MS} ms, ${RUNS} runs each (4 healthy drives, the example line's jobs), stepping up until a step has a trip of a healthy axis (that step stops at its first such run). ` +
    "Each stall as achieved is measured and reported; so are the simulator's answers later than the line allows, as socat saw them, and a run whose every healthy trip followed such a miss of its drive, or that had a trip while the host took a CPU away for 50 ms or more within 100 ms, is made again (see quarter_core). A stall as long as the drives' comm-loss watchdog (100 ms) must let it fire: beyond that no supervisor can help.",
  async measure(progress) {
    const steps: object[] = [];
    const rows: Row[] = [];
    let toleratedMs: number | null = null;
    for (let stallMs = FIRST_MS; stallMs <= LAST_MS; stallMs += STEP_MS) {
      const runs: HoldRun[] = [];
      for (let i = 0; i < RUNS && !runs.some((r) => r.healthyTrips.length > 0); i++) {
        progress(`${stallMs} ms stalls, run ${i + 1}/${RUNS}`);
        // Only trips count here: a stall makes its gap on purpose.
        runs.push(await conclusiveRun({ drives: 4, durationS: 30, stalls: { stallMs, everyMs: EVERY_MS } }, Number.POSITIVE_INFINITY));
      }
      const achieved = runs.flatMap((r) => r.stallsMs);
      const achievedMs = spread(achieved);
      const outcome = healthyOutcome(runs);
      steps.push({
        stallMs,
        runs: runs.length,
        stalls: achieved.length,
        achievedMs: { p50: round(achievedMs.p50), p99: round(achievedMs.p99), max: round(achievedMs.max) },
        ...outcome,
      });
      rows.push({
        item: `${stallMs} ms every ${EVERY_MS} ms`,
        value: `${outcome.healthyTrips} trips`,
        note: `${runs.length} runs, ${achieved.length} stalls of ${achievedMs.p50.toFixed(1)} ms (max ${achievedMs.max.toFixed(1)}); jobs done ${outcome.jobsDone}/${outcome.jobs}; watchdog holds ${outcome.watchdogHolds}; longest gap ${outcome.longestGapMs.toFixed(0)} ms; simulator answers late per run ${outcome.lateStandInAnswersPerRun.join(', ')}${rerunNote(outcome)}${outcome.tripReasons.length > 0 ? `; trips: ${outcome.tripReasons.join(', ')}` : ''}`,
      });
      if (outcome.healthyTrips > 0) break;
      toleratedMs = stallMs;
    }
    rows.unshift({
      item: 'tolerated stall',
      value: toleratedMs === null ? `< ${FIRST_MS} ms` : `${toleratedMs} ms`,
      note: `largest step with 0 healthy trips over ${RUNS} runs (and every step below it)`,
    });
    return { result: { toleratedMs, everyMs: EVERY_MS, runsPerStep: RUNS, steps }, rows };
  },
};
