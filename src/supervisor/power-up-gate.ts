import type { Clock } from '../common/clock.ts';

/**
 * When an axis may power up. None before the line has polled its drives for `warmupMs` after start
 * (read-only, no drive's comm-loss watchdog armed yet): the process's own start-up work (the JIT
 * compiling the hot path, the first garbage collections) falls there, where a stall of ours costs
 * nothing, instead of while every drive depends on us. Then one axis at a time: a power-up is a
 * burst of bus exchanges and first-time code, and many at once crowd both the bus and the CPU.
 * Measured at a quarter of one core (BENCHMARKS.md, quarter_core): without the warm-up, stalls of
 * 50-100 ms at power-up left healthy drives 100-170 ms without a request.
 */
export class PowerUpGate {
  private openAtMs = Number.POSITIVE_INFINITY;
  private poweringUp = false;

  constructor(
    private readonly clock: Clock,
    /** Read-only polling after start before the first power-up, ms. */
    readonly warmupMs: number,
  ) {}

  /** The line starts: its warm-up runs from now. */
  start(): void {
    this.openAtMs = this.clock.now() + this.warmupMs;
  }

  /** True while the line is still warming up (started, and no axis may power up yet). */
  get warmingUp(): boolean {
    return Number.isFinite(this.openAtMs) && this.clock.now() < this.openAtMs;
  }

  /**
   * Runs `powerUp` when the warm-up is over and no other axis is powering up; otherwise runs nothing
   * (the axis asks again at its next cycle).
   */
  async pass(powerUp: () => Promise<void>): Promise<void> {
    if (this.poweringUp || this.clock.now() < this.openAtMs) return;
    this.poweringUp = true;
    try {
      await powerUp();
    } finally {
      this.poweringUp = false;
    }
  }
}
