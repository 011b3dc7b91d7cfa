/** Limits of the following-error monitor. Distances in mm, speeds in mm/s, times in ms. */
export interface FollowingErrorOptions {
  /** Allowed |following error| at standstill (LinuxCNC MIN_FERROR). */
  readonly minWindowMm: number;
  /** Allowed |following error| at `maxSpeedMmPerS` (LinuxCNC FERROR); scales linearly below it. */
  readonly maxWindowMm: number;
  /** The speed at which the window reaches `maxWindowMm`. > 0. */
  readonly maxSpeedMmPerS: number;
  /** How long the error must stay outside the window, without a break, to count as exceeded. 0 = at once. */
  readonly timeMs: number;
}

/** The monitor's judgement of one sample. */
export interface FollowingErrorVerdict {
  /** The window at the commanded speed, mm. */
  readonly limitMm: number;
  /** |following error| > limitMm. */
  readonly outside: boolean;
  /** How long the error has been outside without a break, ms; 0 when inside. */
  readonly outsideForMs: number;
  /** Outside for at least `timeMs`: trip the breaker with reason 'following_error'. */
  readonly exceeded: boolean;
}

/**
 * Watches one axis's following error against a speed-dependent window, as LinuxCNC does with
 * MIN_FERROR/FERROR, plus a dwell time so a single noisy sample does not trip the axis.
 * Feed it samples in time order.
 */
export class FollowingErrorMonitor {
  private outsideSinceMs: number | undefined;

  constructor(private readonly options: FollowingErrorOptions) {}

  /** max(minWindowMm, maxWindowMm · |v| / maxSpeedMmPerS), mm. */
  limitMm(commandedSpeedMmPerS: number): number {
    const { minWindowMm, maxWindowMm, maxSpeedMmPerS } = this.options;
    return Math.max(minWindowMm, (maxWindowMm * Math.abs(commandedSpeedMmPerS)) / maxSpeedMmPerS);
  }

  /** Judges one sample taken at `nowMs`; a sample back inside the window restarts the dwell timer. */
  evaluate(followingErrorMm: number, commandedSpeedMmPerS: number, nowMs: number): FollowingErrorVerdict {
    const limitMm = this.limitMm(commandedSpeedMmPerS);
    const outside = Math.abs(followingErrorMm) > limitMm;
    if (!outside) {
      this.outsideSinceMs = undefined;
      return { limitMm, outside, outsideForMs: 0, exceeded: false };
    }
    this.outsideSinceMs ??= nowMs;
    const outsideForMs = nowMs - this.outsideSinceMs;
    return { limitMm, outside, outsideForMs, exceeded: outsideForMs >= this.options.timeMs };
  }

  /** Forgets any time spent outside (after the axis has been re-synced or re-enabled). */
  reset(): void {
    this.outsideSinceMs = undefined;
  }
}
