import { describe, expect, it } from 'vitest';
import { tripMidMove } from '../support/line-harness.ts';

describe('a jam near the end of a move', () => {
  it('still trips once the profile has stopped, instead of leaving the move unfinished forever', async () => {
    // Jam 3 mm before the target: less than the 7.5 mm window the move's speed allows.
    const { h, actedAtMs: jammedAtMs } = await tripMidMove(397, (drive) => drive.injectFault({ kind: 'jam' }), 2_000);
    expect(h.eventsOf('trip')[0]).toMatchObject({ axis: 'a', reason: 'following_error' });
    expect(h.eventsOf('trip')[0]!.atMs - jammedAtMs).toBeLessThan(300);
    expect(h.line.supervisor.jobs()[0]).toMatchObject({ status: 'parked' });
    await h.stop();
  });
});
