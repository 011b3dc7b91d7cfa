import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { describeEvent } from '../../src/events/describe-event.ts';
import { lineYaml, simAxis, startLine } from '../support/line-harness.ts';
import { rigAxis, rigDriver, rigSupervisor } from '../support/supervisor-rig.ts';

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

describe("the supervisor's own stalls, with the process's CPU time read (as in real time)", () => {
  it('say how much CPU the process used meanwhile, and a comm trip that follows says what that means', async () => {
    const clock = new VirtualClock();
    const { drive, inner } = rigDriver(clock, 'a');
    let cpuMs = 1_000;
    const { supervisor, events } = rigSupervisor({ clock, axes: [rigAxis('a', inner)], processCpuMs: () => cpuMs });
    supervisor.start();
    await clock.advanceTo(305);
    drive.injectFault({ kind: 'silent' });
    // A timer 45 ms late, and the process hardly ran since its CPU was last read (every 100 ms from the
    // first tick, at 10 ms: last at 210 ms): 0.2 ms of CPU in 95 ms.
    cpuMs += 0.2;
    supervisor.stalls.timerRan(clock.now() - 45);
    await clock.runUntil(() => events.some((e) => e.type === 'trip'), 2_000);
    let stopped = false;
    void supervisor.stop('test over').then(() => (stopped = true));
    await clock.runUntil(() => stopped);
    const [stall] = events.filter((e) => e.type === 'stall');
    expect(stall).toEqual({ type: 'stall', atMs: 305, lengthMs: 45, cpuMs: expect.closeTo(0.2, 9), cpuOverMs: 95 });
    expect(describeEvent(stall!)).toBe(
      '0.305s STALL: the supervisor itself could not act for 45 ms (it hardly ran meanwhile (0.2 ms of CPU in 95 ms): stopped, or its CPU taken by other processes or the host); not blamed on any drive',
    );
    const trip = events.find((e) => e.type === 'trip');
    expect(trip).toMatchObject({ axis: 'a', reason: 'consecutive_failures', ownStallMs: 45 });
    expect(trip?.type === 'trip' && trip.detail).toMatch(
      /the supervisor itself had stalled for 45 ms just before \(our delay, not the drive's; it hardly ran meanwhile \(0\.2 ms of CPU in 95 ms\): stopped, or its CPU taken by other processes or the host\)/,
    );
  });
});
