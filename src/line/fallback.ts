import { whyMovesDoNotFit, type AxisLimits, type Move } from './move.ts';

/** What the router needs to know about a possible fallback axis at the moment of hand-off. */
export interface FallbackCandidate {
  readonly id: string;
  readonly limits: AxisLimits;
  /** Why the axis cannot take work now (breaker open, ErrorStop, ...); undefined when healthy. */
  readonly unavailableBecause: string | undefined;
}

export type HandOffDecision = { readonly to: string } | { readonly park: string };

/**
 * Decides where the unfinished moves of a job go: to the fallback when it is healthy and every move
 * fits its limits, else the job is parked with a reason a technician can act on.
 * `firstMoveNumber` is the 1-based number of the first remaining move within its job.
 */
export function decideHandOff(remaining: readonly Move[], firstMoveNumber: number, fallback: FallbackCandidate | undefined): HandOffDecision {
  if (!fallback) return { park: 'no fallback axis is configured' };
  if (fallback.unavailableBecause) return { park: `fallback '${fallback.id}' is unavailable: ${fallback.unavailableBecause}` };
  const misfit = whyMovesDoNotFit(remaining, fallback.limits, firstMoveNumber);
  if (misfit) return { park: `fallback '${fallback.id}' cannot take the job: ${misfit}` };
  return { to: fallback.id };
}
