import { performance } from 'node:perf_hooks';
import { disposableOnce, type Disposable } from './disposable.ts';

/** A timer set on a Clock. Dispose to cancel it. */
export interface ClockTimer extends Disposable {
  /**
   * Whether this timer alone keeps the process running (Node's ref/unref); it does when set. A timer
   * left set while nothing waits on it says false, so it never delays an exit. No effect in virtual time.
   */
  keepAlive(keep: boolean): void;
}

/**
 * The one source of time. `now()` is monotonic milliseconds from an arbitrary origin: never
 * wall-clock time, so NTP steps cannot move a deadline or a cooldown. Every deadline, cooldown and
 * poll period in axisguard is measured with the Clock it was given.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now. Dispose to cancel. */
  setTimer(callback: () => void, delayMs: number): ClockTimer;
  /** Resolves `delayMs` from now. */
  sleep(delayMs: number): Promise<void>;
}

/** Real time: performance.now() and Node timers, counted from the moment the clock was made. */
export class RealClock implements Clock {
  private readonly originMs = performance.now();

  now(): number {
    return performance.now() - this.originMs;
  }

  setTimer(callback: () => void, delayMs: number): ClockTimer {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    return {
      ...disposableOnce(() => clearTimeout(handle)),
      keepAlive: (keep) => void (keep ? handle.ref() : handle.unref()),
    };
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(resolve, delayMs));
  }
}
