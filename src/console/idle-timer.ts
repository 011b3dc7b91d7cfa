import type { Clock } from '../common/clock.ts';
import type { Disposable } from '../common/disposable.ts';

/**
 * Calls `onIdle` once `timeoutMs` have passed on the clock without a `touch()`. One timer at a time,
 * however often it is touched (a flood of input does not pile up timers); touch again to re-arm.
 */
export class IdleTimer implements Disposable {
  private lastTouchMs: number;
  private timer: Disposable | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly onIdle: () => void,
  ) {
    this.lastTouchMs = clock.now();
  }

  touch(): void {
    this.lastTouchMs = this.clock.now();
    if (!this.timer) this.arm(this.timeoutMs);
  }

  dispose(): void {
    this.timer?.dispose();
    this.timer = undefined;
  }

  private arm(delayMs: number): void {
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      const quietMs = this.clock.now() - this.lastTouchMs;
      if (quietMs < this.timeoutMs) this.arm(this.timeoutMs - quietMs);
      else this.onIdle();
    }, delayMs);
  }
}
