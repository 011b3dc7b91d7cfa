import { describe, expect, it } from 'vitest';
import { lineYaml, simAxis, startLine } from '../support/line-harness.ts';

const silentAt = (axis: string, atMs: number) => `    - { axis: ${axis}, atMs: ${atMs}, fault: { kind: silent } }\n`;

describe("the supervisor's own stalls", () => {
  it('are reported as events with their length, not blamed on any axis', async () => {
    const h = startLine(lineYaml({ axes: simAxis('a') + simAxis('b') }));
    await h.runUntil(() => h.clock.now() >= 200);
    // The cycle timer due 70 ms ago runs only now: as after a 70 ms GC pause or SIGSTOP.
    h.line.supervisor.stalls.timerRan(h.clock.now() - 70);
    await h.runUntil(() => h.clock.now() >= 600);
    await h.stop();
    expect(h.eventsOf('stall')).toEqual([{ type: 'stall', atMs: 200, lengthMs: 70 }]);
    expect(h.eventsOf('trip')).toEqual([]);
  });

  it('are named by a comm trip that follows them closely, so nobody replaces a good drive', async () => {
    const h = startLine(lineYaml({ axes: simAxis('a') + simAxis('b'), faults: silentAt('a', 300) }));
    await h.runUntil(() => h.clock.now() >= 290);
    h.line.supervisor.stalls.timerRan(h.clock.now() - 45);
    await h.runUntil(() => h.eventsOf('trip').length > 0, 2_000);
    await h.stop();
    const [trip] = h.eventsOf('trip');
    expect(trip).toMatchObject({ axis: 'a', reason: 'consecutive_failures', ownStallMs: 45 });
    expect(trip!.detail).toMatch(/the supervisor itself had stalled for 45 ms just before \(our delay, not the drive's\)/);
  });

  it('are not named by a trip long after them', async () => {
    const h = startLine(lineYaml({ axes: simAxis('a'), faults: silentAt('a', 1_000) }));
    await h.runUntil(() => h.clock.now() >= 100);
    h.line.supervisor.stalls.timerRan(h.clock.now() - 45);
    await h.runUntil(() => h.eventsOf('trip').length > 0, 3_000);
    await h.stop();
    expect(h.eventsOf('trip')[0]).not.toHaveProperty('ownStallMs');
  });
});
