import { describe, expect, it } from 'vitest';
import { lineYaml, simAxis, startLine } from '../support/line-harness.ts';

describe('a jam near the end of a move', () => {
  it('still trips once the profile has stopped, instead of leaving the move unfinished forever', async () => {
    const h = startLine(
      lineYaml({
        axes: simAxis('a'),
        jobs: '  - id: j\n    axis: a\n    moves:\n      - { positionMm: 400, speedMmPerS: 300 }\n',
      }),
    );
    const drive = h.line.simulators.get('a')!;
    // Jam 3 mm before the target: less than the 7.5 mm window the move's speed allows.
    await h.runUntil(() => drive.peekStatus().positionMm >= 397);
    const jammedAtMs = h.clock.now();
    drive.injectFault({ kind: 'jam' });
    await h.runUntil(() => h.eventsOf('trip').length > 0, jammedAtMs + 2_000);
    expect(h.eventsOf('trip')[0]).toMatchObject({ axis: 'a', reason: 'following_error' });
    expect(h.eventsOf('trip')[0]!.atMs - jammedAtMs).toBeLessThan(300);
    expect(h.line.supervisor.jobs()[0]).toMatchObject({ status: 'parked' });
    await h.stop();
  });
});
