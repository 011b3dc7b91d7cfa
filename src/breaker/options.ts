/** Tuning of one axis breaker. All times in milliseconds on the breaker's Clock. */
export interface BreakerOptions {
  /** Trips (reason 'consecutive_failures') after this many failed calls in a row. Integer >= 1. Default 3. */
  readonly consecutiveFailures: number;
  /**
   * Trips (reason 'failure_ratio') when, at a failure, the failed share of the last `windowSize` calls
   * is >= `threshold` and the window holds at least `minimumCalls` calls. Count-based, like
   * resilience4j's COUNT_BASED window or Polly's advanced breaker.
   */
  readonly failureRatio: {
    /** Failed share in 0..1. Default 0.5. */
    readonly threshold: number;
    /** Number of most recent calls the window holds. Integer >= 1. Default 20. */
    readonly windowSize: number;
    /** Calls the window must hold before the ratio is judged. Integer in 1..windowSize. Default 10. */
    readonly minimumCalls: number;
  };
  /** Wait from the first opening until a probe may start (open → half_open). Default 500 ms. */
  readonly cooldownMs: number;
  /** Each failed recovery multiplies the cooldown by this factor (>= 1). Default 2. */
  readonly backoffFactor: number;
  /** Upper bound of the backed-off cooldown. Default 10000 ms. */
  readonly maxCooldownMs: number;
  /** Good probes in a row needed to close again (reason 'probes_passed'). Integer >= 1. Default 3. */
  readonly probesToClose: number;
}

export const defaultBreakerOptions: BreakerOptions = {
  consecutiveFailures: 3,
  failureRatio: { threshold: 0.5, windowSize: 20, minimumCalls: 10 },
  cooldownMs: 500,
  backoffFactor: 2,
  maxCooldownMs: 10_000,
  probesToClose: 3,
};

/** Throws a RangeError naming the first field out of range. */
export function assertValidBreakerOptions(options: BreakerOptions): void {
  const { failureRatio: ratio } = options;
  const checks: ReadonlyArray<readonly [string, boolean]> = [
    ['consecutiveFailures', Number.isInteger(options.consecutiveFailures) && options.consecutiveFailures >= 1],
    ['failureRatio.threshold', ratio.threshold >= 0 && ratio.threshold <= 1],
    ['failureRatio.windowSize', Number.isInteger(ratio.windowSize) && ratio.windowSize >= 1],
    [
      'failureRatio.minimumCalls',
      Number.isInteger(ratio.minimumCalls) && ratio.minimumCalls >= 1 && ratio.minimumCalls <= ratio.windowSize,
    ],
    ['cooldownMs', options.cooldownMs >= 0],
    ['backoffFactor', options.backoffFactor >= 1],
    ['maxCooldownMs', options.maxCooldownMs >= options.cooldownMs],
    ['probesToClose', Number.isInteger(options.probesToClose) && options.probesToClose >= 1],
  ];
  const bad = checks.find(([, ok]) => !ok);
  if (bad) throw new RangeError(`breaker option ${bad[0]} is out of range`);
}
