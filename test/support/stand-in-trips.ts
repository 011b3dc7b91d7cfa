import type { Trip } from './realtime-line.ts';

/**
 * Whether the stand-in (the simulator) may explain this trip: socat saw it miss an answer of this
 * trip's drive just before it and the supervisor did not stall there itself; or, though a stall of
 * ours is named, every failed call of the trip's row went to a request the stand-in answered late
 * or never (each was judged on time, with its full wire budget, so the stall is not what failed it).
 * Otherwise a trip that names a stall of ours is ours to answer for.
 */
const afterStandInMiss = (trip: Trip): boolean =>
  (trip.ownStallMs === undefined && trip.lateStandInAnswersBefore + trip.unansweredStandInRequestsBefore > 0) ||
  (trip.failuresInRow > 0 && trip.failuresOnStandInMisses === trip.failuresInRow);

/**
 * Why a run's healthy trips say nothing about the supervisor, or undefined when they may: every one
 * came after the stand-in answered that drive later than the line allows, or not at all, in the
 * window before it (Trip). The supervisor rightly counts such a miss against the drive, as it would
 * a real drive's; the simulator misses 1 to 3 answers in 1,000 on this VM with no load (README,
 * "The simulator in your CI"), so a few in a row can trip a healthy axis whatever the supervisor
 * does. A trip with no such miss before it, or one after a stall of ours with a failure of its row
 * the stand-in did not cause, keeps the run conclusive.
 */
export function standInCause(run: { readonly healthyTrips: readonly Trip[] }): string | undefined {
  const trips = run.healthyTrips;
  if (trips.length === 0 || !trips.every(afterStandInMiss)) return undefined;
  const each = trips.map(
    (t) =>
      `${t.axis} ${t.reason} after the simulator answered its drive late ${t.lateStandInAnswersBefore} times and not at all ${t.unansweredStandInRequestsBefore} times` +
      (t.failuresInRow > 0 ? `, ${t.failuresOnStandInMisses} of the ${t.failuresInRow} failed calls of its row among them` : ''),
  );
  return `${each.join('; ')} (socat's log, just before the trip)`;
}
