import { performance } from 'node:perf_hooks';
import type { Disposable } from './disposable.ts';

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
  /**
   * Calls `callback` once, `delayMs` from now. Dispose to cancel. In real time Node may run it up to
   * about 1.5 ms early (whole ms of its loop's clock): what judges a drive by a deadline uses
   * watchDeadline (src/common/deadline.ts), which waits until `now()` has reached it.
   */
  setTimer(callback: () => void, delayMs: number): ClockTimer;
  /** Resolves `delayMs` from now. */
  sleep(delayMs: number): Promise<void>;
  /**
   * Calls `callback` once the input that is already waiting (bytes in the OS's buffers) has been
   * delivered. A deadline is a question about a drive: after the process itself was stalled, Node
   * runs due timers before it polls for input, so an answer that arrived in time may still be unread
   * when its deadline timer fires. Virtual time has no pending input: at once.
   */
  afterPendingInput(callback: () => void): void;
}

/** Real time: performance.now() and Node timers, counted from the moment the clock was made. */
export class RealClock implements Clock {
  private readonly originMs = performance.now();

  now(): number {
    return performance.now() - this.originMs;
  }

  setTimer(callback: () => void, delayMs: number): ClockTimer {
    return new NodeTimer(setTimeout(callback, Math.max(0, delayMs)));
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(resolve, delayMs));
  }

  afterPendingInput(callback: () => void): void {
    // setImmediate runs after the event loop's poll phase, which reads every descriptor that is ready.
    setImmediate(callback);
  }
}

/** A Node timer as a ClockTimer; a class, not an object literal with closures: the hot path sets one per transaction. */
class NodeTimer implements ClockTimer {
  constructor(private readonly handle: NodeJS.Timeout) {}

  dispose(): void {
    // clearTimeout on a timer that has fired or been cleared is a no-op.
    clearTimeout(this.handle);
  }

  keepAlive(keep: boolean): void {
    if (keep) this.handle.ref();
    else this.handle.unref();
  }
}
