import { whyMovesDoNotFit, type AxisLimits, type Move } from './move.ts';

/** An axis that is to run the rest of a job: a fallback on a trip, or the axis a technician resumes it on. */
export interface AxisCandidate {
  readonly id: string;
  readonly limits: AxisLimits;
}

/** What the router needs to know about a possible fallback axis at the moment of hand-off. */
export interface FallbackCandidate extends AxisCandidate {
  /** Why the axis cannot take work now (breaker open, ErrorStop, ...); undefined when healthy. */
  readonly unavailableBecause: string | undefined;
}

export type HandOffDecision = { readonly to: string } | { readonly park: string };

/**
 * Why `axis` can never run `remaining` (a move outside its travel or over its max speed); undefined
 * when every move fits. The one suitability check of both the fallback hand-off and a resume.
 * `firstMoveNumber` is the 1-based number of the first remaining move within its job.
 */
export function whyAxisCannotTake(remaining: readonly Move[], firstMoveNumber: number, axis: AxisCandidate): string | undefined {
  const misfit = whyMovesDoNotFit(remaining, axis.limits, firstMoveNumber);
  return misfit && `'${axis.id}' cannot take the job: ${misfit}`;
}

/**
 * Decides where the unfinished moves of a job go: to the fallback when it is healthy and every move
 * fits its limits, else the job is parked with a reason a technician can act on.
 * `firstMoveNumber` is the 1-based number of the first remaining move within its job.
 */
export function decideHandOff(
  remaining: readonly Move[],
  firstMoveNumber: number,
  fallback: FallbackCandidate | undefined,
): HandOffDecision {
  if (!fallback) return { park: 'no fallback axis is configured' };
  if (fallback.unavailableBecause) return { park: `fallback '${fallback.id}' is unavailable: ${fallback.unavailableBecause}` };
  const misfit = whyAxisCannotTake(remaining, firstMoveNumber, fallback);
  if (misfit) return { park: `fallback ${misfit}` };
  return { to: fallback.id };
}
