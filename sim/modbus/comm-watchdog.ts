import type { Clock } from '../../src/common/clock.ts';
import type { Disposable } from '../../src/common/disposable.ts';

/**
 * A drive's comm-loss watchdog: expires once `timeoutMs` pass without a `feed`, then stays quiet until
 * fed again. A timeout of 0 turns it off. Timed by the injected Clock; one timer at a time, re-armed
 * lazily, so feeding it on every request costs no timer churn.
 */
export class CommWatchdog implements Disposable {
  private lastFeedMs = 0;
  private timeoutMs = 0;
  private timer: { readonly dueMs: number; readonly handle: Disposable } | undefined;

  constructor(
    private readonly clock: Clock,
    /** Called when the silence reaches the timeout; `silentForMs` is how long it lasted, ms. */
    private readonly onExpire: (silentForMs: number, timeoutMs: number) => void,
  ) {}

  /** A request arrived now; `timeoutMs` is the timeout in force from now on (0: off). */
  feed(timeoutMs: number): void {
    this.lastFeedMs = this.clock.now();
    this.timeoutMs = timeoutMs;
    if (timeoutMs <= 0) return this.disarm();
    const dueMs = this.lastFeedMs + timeoutMs;
    if (this.timer && this.timer.dueMs <= dueMs) return; // it will look again when it fires
    this.arm(dueMs);
  }

  dispose(): void {
    this.disarm();
    this.timeoutMs = 0;
  }

  private arm(dueMs: number): void {
    this.disarm();
    // A real drive's watchdog runs in its firmware and is never late; the simulator's process may be
    // (a busy machine). The requests that arrived meanwhile are read before it judges the silence.
    const fire = (): void => this.clock.afterPendingInput(() => this.check());
    this.timer = { dueMs, handle: this.clock.setTimer(fire, dueMs - this.clock.now()) };
  }

  private disarm(): void {
    this.timer?.handle.dispose();
    this.timer = undefined;
  }

  private check(): void {
    this.timer = undefined;
    if (this.timeoutMs <= 0) return;
    const silentForMs = this.clock.now() - this.lastFeedMs;
    if (silentForMs < this.timeoutMs) return this.arm(this.lastFeedMs + this.timeoutMs);
    this.onExpire(silentForMs, this.timeoutMs);
  }
}
