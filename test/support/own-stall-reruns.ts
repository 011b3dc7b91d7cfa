import { rerunWhileInconclusive } from './inconclusive-reruns.ts';
import type { JsonEvent, SupervisorProcess } from './supervisor-process.ts';

/** Trips on axes outside `faultedAxes` that the supervisor put down to its own stall (`ownStallMs`: our delay, not the drive's). */
export const ownStallTrips = (events: readonly JsonEvent[], faultedAxes: readonly string[]): JsonEvent[] =>
  events.filter((e) => e.type === 'trip' && e.ownStallMs !== undefined && !faultedAxes.includes(e.axis as string));

/**
 * For a test that injects faults into `faultedAxes` and checks that the others are not touched: runs
 * `attempt` again (rerunWhileInconclusive) while its run has a trip of another axis that the
 * supervisor itself put down to its own stall. Such a run says nothing about fault containment: the
 * test machine was too busy for the process to keep its healthy drives inside their comm-loss
 * watchdogs, which the hold-time suite (test/realtime, run alone) judges. Every rerun is said on
 * stderr with the trips that caused it; `discard` ends what the rerun attempt left running.
 */
export function rerunAfterOwnStallTrips<T extends { readonly run: SupervisorProcess }>(
  faultedAxes: readonly string[],
  attempt: () => Promise<T>,
  discard?: (result: T) => Promise<void>,
): Promise<T> {
  return rerunWhileInconclusive(
    attempt,
    (result) => {
      const trips = ownStallTrips(result.run.events, faultedAxes);
      if (trips.length === 0) return undefined;
      return `the supervisor's own stall held a healthy axis, so this run says nothing about containment:\n${trips.map((t) => `  ${JSON.stringify(t)}`).join('\n')}`;
    },
    { discard },
  );
}
