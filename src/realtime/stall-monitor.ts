import type { Clock } from '../common/clock.ts';
import { EventEmitter, type Event } from '../common/event.ts';

/** The supervisor itself ran late: a timer of ours fired `lengthMs` after it was due (GC, a blocked write, CPU starvation, SIGSTOP). */
export interface Stall {
  /** When the late timer finally ran, Clock ms. */
  readonly atMs: number;
  /** How late it ran, ms: how long the process could not act. */
  readonly lengthMs: number;
  /**
   * What the process did meanwhile, when the monitor reads its CPU time (real time only): the CPU
   * it used, all threads, ms, over the last `cpuOverMs` of wall time (since the reading before:
   * the stall, and up to CPU_READ_EVERY_MS and a period before it). See stallKind.
   */
  readonly cpuMs?: number;
  readonly cpuOverMs?: number;
}

/** Below this share of the wall time in CPU, a stalled process hardly ran: it was kept from running. */
const HARDLY_RAN_SHARE = 0.1;

/**
 * What a stall's CPU says of its cause, for a person: a process that hardly ran was kept from running
 * (SIGSTOP, its CPU taken by other processes or the host); one that ran was busy itself (GC,
 * compiling, a long task), for longer where a CPU quota throttles it. Undefined without a CPU reading.
 */
export function stallKind({ cpuMs, cpuOverMs: overMs }: Pick<Stall, 'cpuMs' | 'cpuOverMs'>): string | undefined {
  if (cpuMs === undefined || overMs === undefined) return undefined;
  const used = `${cpuMs.toFixed(1)} ms of CPU in ${Math.round(overMs)} ms`;
  return cpuMs < HARDLY_RAN_SHARE * overMs
    ? `it hardly ran meanwhile (${used}): stopped, or its CPU taken by other processes or the host`
    : `it was busy itself meanwhile (${used}): GC, compiling or a long task, slowed further by a CPU quota if it has one`;
}

/**
 * How often the process's CPU time is read while no stall comes, ms. Not at every run of the cycle
 * timer: side by side, reading it at every 10 ms tick cost about 3 % of the supervisor's CPU per
 * transaction (6 rounds, 2026-12-07), though one read measures under half a microsecond alone.
 */
const CPU_READ_EVERY_MS = 100;

/** Lateness below this is ordinary timer jitter, not counted as our own delay. */
const JITTER_MS = 2;

/**
 * Our own lateness, measured from the supervision cycle's timer (due every period, so any stall
 * longer than a period makes one firing late by about the stall). It keeps a running total of the
 * time the process lost, so that what a drive is blamed for can leave our own delays out, and
 * reports every stall of `reportMs` or more.
 */
export class StallMonitor {
  private readonly stalls = new EventEmitter<Stall>();
  /** A stall of at least `reportMs`. */
  readonly onStall: Event<Stall> = this.stalls.event;
  private lostMs = 0;
  private count = 0;
  private longestMs = 0;
  private last: Stall | undefined;
  /** The last reading of the process's CPU time (NaN before the first), and when it was taken. */
  private cpuReadMs = Number.NaN;
  private cpuReadAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    /** The shortest lateness reported as a stall, ms. */
    readonly reportMs: number,
    /**
     * The process's CPU time so far, ms (src/realtime/process-cpu.ts): read at a run of the timer
     * CPU_READ_EVERY_MS after the last reading, and at every stall, which then says what the process
     * did since that reading. None in virtual time, where CPU says nothing of the clock.
     */
    private readonly processCpuMs?: () => number,
  ) {}

  /** A timer due at `dueMs` runs now. Returns its lateness, ms. */
  timerRan(dueMs: number): number {
    const atMs = this.clock.now();
    const lateMs = Math.max(0, atMs - dueMs);
    const stalled = lateMs >= this.reportMs;
    const cpu = this.processCpuMs && (stalled || atMs - this.cpuReadAtMs >= CPU_READ_EVERY_MS) ? this.readCpu(atMs) : undefined;
    if (lateMs > JITTER_MS) this.lostMs += lateMs - JITTER_MS;
    if (stalled) {
      this.count += 1;
      this.longestMs = Math.max(this.longestMs, lateMs);
      this.last = { atMs, lengthMs: lateMs, ...cpu };
      this.stalls.emit(this.last);
    }
    return lateMs;
  }

  /** Reads the process's CPU time now; returns what it used since the reading before, if there was one. */
  private readCpu(atMs: number): Pick<Stall, 'cpuMs' | 'cpuOverMs'> {
    const cpuMs = this.processCpuMs!();
    const since = Number.isNaN(this.cpuReadMs) ? {} : { cpuMs: cpuMs - this.cpuReadMs, cpuOverMs: atMs - this.cpuReadAtMs };
    this.cpuReadMs = cpuMs;
    this.cpuReadAtMs = atMs;
    return since;
  }

  /** Time the process has lost to its own lateness since it started, ms (a running total: subtract two readings). */
  get totalLostMs(): number {
    return this.lostMs;
  }

  /** Stalls reported so far. */
  get stallCount(): number {
    return this.count;
  }

  /** The longest stall so far, ms (0 when none). */
  get longestStallMs(): number {
    return this.longestMs;
  }

  /** The latest stall that ended within `withinMs` before now, if any. */
  recentStall(withinMs: number): Stall | undefined {
    return this.last && this.clock.now() - this.last.atMs <= withinMs ? this.last : undefined;
  }
}
