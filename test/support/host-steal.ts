import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The unit of /proc's CPU times (USER_HZ), per second. */
export const CLOCK_TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * Steal time of each CPU from a /proc/stat text, ms since boot: how long the hypervisor ran
 * something else while that CPU of this virtual machine had work to do (the 8th number of a `cpuN`
 * line). Every process of the machine, supervisor and simulator alike, loses that time at once,
 * which no code of theirs can help. Empty when the text has no such column (not a virtual machine
 * that reports it, an old kernel).
 */
export function stealMsPerCpu(statText: string, ticksPerS = CLOCK_TICKS_PER_S): number[] {
  const perCpu: number[] = [];
  for (const line of statText.split('\n')) {
    const fields = line.split(/\s+/);
    if (!/^cpu\d+$/.test(fields[0] ?? '') || fields.length < 9) continue;
    perCpu.push((Number(fields[8]) * 1000) / ticksPerS);
  }
  return perCpu.every(Number.isFinite) ? perCpu : [];
}

const readProcStat = (): string => {
  try {
    return readFileSync('/proc/stat', 'utf8');
  } catch {
    return '';
  }
};

/**
 * The host's steal over a run, read at each sample(): in total (all CPUs added up) and the most
 * any one CPU lost between two samples. A run that lost tens of ms at once to its host can show a
 * stall or a gap that says nothing about the code under test; this says so beside the figure.
 */
export class HostStealWatch {
  private readonly first: readonly number[];
  private last: readonly number[];
  private peak = 0;

  constructor(
    private readonly read: () => string = readProcStat,
    private readonly ticksPerS = CLOCK_TICKS_PER_S,
  ) {
    this.first = this.last = stealMsPerCpu(this.read(), ticksPerS);
  }

  sample(): void {
    const now = stealMsPerCpu(this.read(), this.ticksPerS);
    if (now.length !== this.last.length) return; // a CPU came or went: skip this interval
    now.forEach((ms, i) => {
      this.peak = Math.max(this.peak, ms - this.last[i]!);
    });
    this.last = now;
  }

  /** Steal since the watch began, all CPUs added up, ms (as of the last sample). */
  get totalMs(): number {
    const sum = (ms: readonly number[]) => ms.reduce((a, b) => a + b, 0);
    return this.last.length === this.first.length ? sum(this.last) - sum(this.first) : 0;
  }

  /** The most one CPU lost to steal between two samples, ms. */
  get peakMs(): number {
    return this.peak;
  }
}

/**
 * A CPU taken away by the host for at least this long within one 100 ms sample: as long as the
 * example line's keep-alive margin (half the drives' 100 ms watchdog), which no code on the machine
 * can make up for.
 */
export const HOST_STEAL_DISTURBS_MS = 50;

/** What hostStealCause reads of a run. */
export interface StealJudged {
  readonly hostStealPeakMs: number;
  readonly hostStealMs: number;
  readonly healthyTrips: readonly unknown[];
  readonly longestHealthyGapMs: number;
}

/**
 * Why a run that missed its target (a healthy trip, or a healthy drive's request gap of `gapTargetMs`
 * or more) says nothing about the code: the host took a CPU away for HOST_STEAL_DISTURBS_MS or more
 * within 100 ms of it, from the supervisor and the simulator alike. Undefined when the run met its
 * target or the host did not. For a rerun rule that says so (rerunWhileInconclusive), never to pass
 * a run.
 */
export function hostStealCause(run: StealJudged, gapTargetMs: number): string | undefined {
  const missed = run.healthyTrips.length > 0 || !(run.longestHealthyGapMs < gapTargetMs);
  if (!missed || run.hostStealPeakMs < HOST_STEAL_DISTURBS_MS) return undefined;
  return `the host took ${Math.round(run.hostStealPeakMs)} ms of one CPU within 100 ms (${Math.round(run.hostStealMs)} ms of steal in the run, /proc/stat)`;
}
