import { describe, expect, it, vi } from 'vitest';
import { rerunAfterOwnStallTrips } from './own-stall-reruns.ts';
import type { JsonEvent, SupervisorProcess } from './supervisor-process.ts';

const runWith = (events: JsonEvent[]) => ({ run: { events } as unknown as SupervisorProcess });
const ownStallTrip = (axis: string): JsonEvent => ({ type: 'trip', axis, reason: 'drive_held', ownStallMs: 120 });
const driveTrip = (axis: string): JsonEvent => ({ type: 'trip', axis, reason: 'consecutive_failures' });

describe('rerunAfterOwnStallTrips', () => {
  it('reruns only while another axis was held by our own stall, says so, and returns the first run without one', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    const runs = [runWith([driveTrip('ax2'), ownStallTrip('ax3')]), runWith([ownStallTrip('ax2'), driveTrip('ax4')])];
    const discarded: unknown[] = [];
    const result = await rerunAfterOwnStallTrips(
      ['ax2'],
      async () => runs.shift()!,
      async (r) => void discarded.push(r),
    );
    const said = stderr.mock.calls.map(([text]) => String(text)).join('');
    stderr.mockRestore();
    // An own-stall trip of the faulted axis, or a trip blamed on a drive, is for the test to judge.
    expect(result.run.events).toEqual([ownStallTrip('ax2'), driveTrip('ax4')]);
    expect(discarded).toHaveLength(1);
    expect(said).toContain('RERUN (attempt 1 of 3 inconclusive)');
    expect(said).toContain('"axis":"ax3"');
  });

  it('gives up after three attempts and returns the last for the test to fail on', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    const attempt = vi.fn(async () => runWith([ownStallTrip('ax1')]));
    const result = await rerunAfterOwnStallTrips(['ax2'], attempt);
    stderr.mockRestore();
    expect(attempt).toHaveBeenCalledTimes(3);
    expect(result.run.events).toEqual([ownStallTrip('ax1')]);
  });
});
