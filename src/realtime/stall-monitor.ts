import type { Clock } from '../common/clock.ts';
import { EventEmitter, type Event } from '../common/event.ts';

/** The supervisor itself ran late: a timer of ours fired `lengthMs` after it was due (GC, a blocked write, CPU starvation, SIGSTOP). */
export interface Stall {
  /** When the late timer finally ran, Clock ms. */
  readonly atMs: number;
  /** How late it ran, ms: how long the process could not act. */
  readonly lengthMs: number;
}

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

  constructor(
    private readonly clock: Clock,
    /** The shortest lateness reported as a stall, ms. */
    readonly reportMs: number,
  ) {}

  /** A timer due at `dueMs` runs now. Returns its lateness, ms. */
  timerRan(dueMs: number): number {
    const atMs = this.clock.now();
    const lateMs = Math.max(0, atMs - dueMs);
    if (lateMs > JITTER_MS) this.lostMs += lateMs - JITTER_MS;
    if (lateMs >= this.reportMs) {
      this.count += 1;
      this.longestMs = Math.max(this.longestMs, lateMs);
      this.last = { atMs, lengthMs: lateMs };
      this.stalls.emit(this.last);
    }
    return lateMs;
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
