import type { BreakerState } from './transition.ts';
import { brandedError, brandGuard } from '../common/branded-error.ts';

/**
 * Thrown by callers when a motion command is refused because the axis breaker is not closed
 * (allowsMotion() said no). The job should take its fallback.
 */
export class BreakerOpenError extends brandedError(
  'BreakerOpenError',
  ['axis', 'state'],
  (axis: string, state: BreakerState) => `axis ${axis}: breaker is ${state}, motion refused`,
) {}

/** reset() was refused because the breaker is isolated; `holders` say who must release it first. */
export class BreakerIsolatedError extends brandedError(
  'BreakerIsolatedError',
  ['axis', 'holders'],
  (axis: string, holders: readonly string[]) => `axis ${axis}: breaker is isolated by ${holders.join(', ')}, reset refused`,
) {}

export const isBreakerOpenError = brandGuard<BreakerOpenError>('isBreakerOpenError');

export const isBreakerIsolatedError = brandGuard<BreakerIsolatedError>('isBreakerIsolatedError');
