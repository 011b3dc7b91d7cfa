import type { AxisBreaker } from '../../src/breaker/axis-breaker.ts';
import { BreakerOpenError } from '../../src/breaker/errors.ts';

/**
 * One call through an AxisBreaker on the supervisor's hot path: ask `allowsMotion()`, await the
 * call, `recordSuccess()`. The benchmarked calls never fail, so failures are left uncounted here.
 */
export function guarded<T>(breaker: AxisBreaker, fn: () => Promise<T>): () => Promise<T> {
  return async () => {
    if (!breaker.allowsMotion()) throw new BreakerOpenError(breaker.axisId, breaker.state);
    const value = await fn();
    breaker.recordSuccess();
    return value;
  };
}
