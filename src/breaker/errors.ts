import type { BreakerState } from './transition.ts';
import { brandGuard } from '../common/branded-error.ts';

/**
 * Thrown by callers when a motion command is refused because the axis breaker is not closed
 * (allowsMotion() said no). The job should take its fallback.
 */
export class BreakerOpenError extends Error {
  readonly isBreakerOpenError = true;
  override readonly name = 'BreakerOpenError';

  constructor(
    readonly axis: string,
    readonly state: BreakerState,
  ) {
    super(`axis ${axis}: breaker is ${state}, motion refused`);
  }
}

/** reset() was refused because the breaker is isolated; `holders` say who must release it first. */
export class BreakerIsolatedError extends Error {
  readonly isBreakerIsolatedError = true;
  override readonly name = 'BreakerIsolatedError';

  constructor(
    readonly axis: string,
    readonly holders: readonly string[],
  ) {
    super(`axis ${axis}: breaker is isolated by ${holders.join(', ')}, reset refused`);
  }
}

export const isBreakerOpenError = brandGuard<BreakerOpenError>('isBreakerOpenError');

export const isBreakerIsolatedError = brandGuard<BreakerIsolatedError>('isBreakerIsolatedError');
