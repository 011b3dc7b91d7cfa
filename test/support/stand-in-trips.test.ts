import { describe, expect, it } from 'vitest';
import type { Trip } from './realtime-line.ts';
import { standInCause } from './stand-in-trips.ts';

const trip = (axis: string, late: number, unanswered: number, ownStallMs?: number, row = { failures: 0, onMisses: 0 }): Trip => ({
  axis,
  reason: 'consecutive_failures',
  atMs: 1000,
  detail: 'no answer',
  lateStandInAnswersBefore: late,
  unansweredStandInRequestsBefore: unanswered,
  ownStallMs,
  failuresInRow: row.failures,
  failuresOnStandInMisses: row.onMisses,
});

describe('standInCause', () => {
  it('names every trip that came after the simulator missed answers of its drive', () => {
    const why = standInCause({ healthyTrips: [trip('ax2', 2, 0), trip('ax3', 0, 1)] });
    expect(why).toContain('ax2 consecutive_failures after the simulator answered its drive late 2 times and not at all 0 times');
    expect(why).toContain('ax3 consecutive_failures after the simulator answered its drive late 0 times and not at all 1 times');
  });

  it('keeps a run conclusive when it has no trip, or a trip with nothing missed on the wire before it', () => {
    expect(standInCause({ healthyTrips: [] })).toBeUndefined();
    expect(standInCause({ healthyTrips: [trip('ax4', 0, 0)] })).toBeUndefined();
    // One trip the supervisor may have caused is enough for the run to count.
    expect(standInCause({ healthyTrips: [trip('ax2', 3, 0), trip('ax4', 0, 0)] })).toBeUndefined();
    // A trip after a stall of ours is the supervisor's, whatever the wire shows.
    expect(standInCause({ healthyTrips: [trip('ax3', 2, 0, 60)] })).toBeUndefined();
  });

  it('lets a trip after a stall of ours go to the stand-in only when every failed call of its row went to a request it missed', () => {
    const why = standInCause({ healthyTrips: [trip('ax4', 3, 0, 23, { failures: 3, onMisses: 3 })] });
    expect(why).toContain(
      'ax4 consecutive_failures after the simulator answered its drive late 3 times and not at all 0 times, 3 of the 3',
    );
    expect(standInCause({ healthyTrips: [trip('ax4', 2, 0, 23, { failures: 3, onMisses: 2 })] })).toBeUndefined();
  });
});
