import type { Clock, ClockTimer } from '../common/clock.ts';
import { LatencyHistogram, type LatencyStats } from './latency-histogram.ts';

/** Lateness thresholds whose firings are counted one by one, ms. */
export const LATE_THRESHOLDS_MS: readonly number[] = [5, 10, 20, 50];

/** How late a periodic timer fired, ms, with the firings over each threshold. */
export interface TimerLateness extends LatencyStats {
  /** Firings later than each of LATE_THRESHOLDS_MS, keyed by the threshold in ms. */
  readonly lateOverMs: Readonly<Record<string, number>>;
}

/**
 * A timer every `periodMs` that records how late each firing came against when it was due, then
 * calls `onFire`. It is re-armed from the moment it fired, as the supervisor re-arms its cycle, so a
 * late firing stretches that one cycle instead of being caught up by a burst. Valid from start() to
 * stop(); stats() at any time.
 */
export class PeriodLatenessTimer {
  private readonly lateness = new LatencyHistogram();
  private readonly over = LATE_THRESHOLDS_MS.map(() => 0);
  private timer: ClockTimer | undefined;
  private dueAtMs = 0;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
    private readonly onFire: () => void,
  ) {}

  start(): void {
    this.arm();
  }

  stop(): void {
    this.timer?.dispose();
    this.timer = undefined;
  }

  stats(): TimerLateness {
    return { ...this.lateness.stats(), lateOverMs: Object.fromEntries(LATE_THRESHOLDS_MS.map((ms, i) => [String(ms), this.over[i]!])) };
  }

  private arm(): void {
    this.dueAtMs = this.clock.now() + this.periodMs;
    this.timer = this.clock.setTimer(() => this.fire(), this.periodMs);
  }

  private fire(): void {
    // Node may fire up to ~1 ms "early" by performance.now() (libuv keeps a cached millisecond loop
    // time): early is not late.
    const lateMs = Math.max(0, this.clock.now() - this.dueAtMs);
    this.lateness.record(lateMs);
    LATE_THRESHOLDS_MS.forEach((thresholdMs, i) => {
      if (lateMs > thresholdMs) this.over[i]!++;
    });
    this.arm();
    this.onFire();
  }
}
