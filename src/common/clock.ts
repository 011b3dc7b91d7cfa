import { performance } from 'node:perf_hooks';
import { disposableOnce, type Disposable } from './disposable.ts';

/**
 * The one source of time. `now()` is monotonic milliseconds from an arbitrary origin: never
 * wall-clock time, so NTP steps cannot move a deadline or a cooldown. Every deadline, cooldown and
 * poll period in axisguard is measured with the Clock it was given.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now. Dispose to cancel. */
  setTimer(callback: () => void, delayMs: number): Disposable;
  /** Resolves `delayMs` from now. */
  sleep(delayMs: number): Promise<void>;
}

/** Real time: performance.now() and Node timers, counted from the moment the clock was made. */
export class RealClock implements Clock {
  private readonly originMs = performance.now();

  now(): number {
    return performance.now() - this.originMs;
  }

  setTimer(callback: () => void, delayMs: number): Disposable {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    return disposableOnce(() => clearTimeout(handle));
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(resolve, delayMs));
  }
}
