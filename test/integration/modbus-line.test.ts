import { describe, expect, it } from 'vitest';
import { EXIT_INCOMPLETE } from '../../src/cli/exit-codes.ts';
import { requireTools } from '../protocols/support/external-tools.ts';
import { rerunAfterOwnStallTrips } from '../support/own-stall-reruns.ts';
import { simOverPtyEach } from '../support/sim-over-pty.ts';
import { modbusLineConfig, runSupervisor } from '../support/supervisor-process.ts';

const tools = requireTools('socat');
// Real time, two processes and a pty: generous timeouts, since CI's two cores may be busy.
describe.skipIf(tools.skip)('axisguard run against axisguard sim over a real pty', { timeout: 90_000 }, () => {
  const startSimOnPty = simOverPtyEach(tools);
  const startSim = () => startSimOnPty('1,2,3,4', (port) => modbusLineConfig(port));

  it('runs four drives to the end of their jobs; a silent drive trips and is held while the others finish', async () => {
    // Again when a neighbour of ax2 was held by the supervisor's own stall (own-stall-reruns.ts).
    const { run, sim } = await rerunAfterOwnStallTrips(
      ['ax2'],
      async () => {
        const { configPath, sim } = await startSim();
        let silenced = false;
        const run = runSupervisor(configPath, [], (event) => {
          // Once every axis is powered, silence unit 2 mid-job.
          if (!silenced && event.type === 'resync' && run.events.filter((e) => e.type === 'resync').length === 4) {
            silenced = true;
            sim.send('inject 2 silent');
          }
        });
        await run.exit;
        return { run, sim };
      },
      ({ sim }) => sim.kill(),
    );
    // job2 is parked: the run says so with exit 3 (README, "Outcomes and exit codes").
    expect(await run.exit, run.stderr()).toBe(EXIT_INCOMPLETE);
    const trips = run.events.filter((e) => e.type === 'trip');
    expect(trips).toEqual([expect.objectContaining({ axis: 'ax2', reason: 'consecutive_failures' })]);
    expect(run.events.filter((e) => e.type === 'job_done').map((e) => e.job)).toEqual(expect.arrayContaining(['job1', 'job3', 'job4']));
    expect(run.events.find((e) => e.type === 'job_parked')).toMatchObject({ job: 'job2', axis: 'ax2' });
    // Its log says what priority its cycle runs at (test/realtime/cycle-priority.test.ts: which one where).
    expect(run.stderr()).toMatch(/"event":"cycle_priority","nice":-?\d+/);
    // and that its start-up garbage was collected before the cycle powered any drive (settle-heap.ts).
    const log = run.stderr();
    expect(log).toMatch(/"event":"heap_settled","ms":\d+/);
    expect(log.indexOf('"event":"heap_settled"')).toBeLessThan(log.indexOf('"event":"resync"'));
    // The drives really moved: each healthy drive stands at its job's last target (60 mm × unit id).
    for (const unit of [1, 3, 4]) {
      sim.send(`status ${unit}`);
      const line = await sim.waitForLine(new RegExp(`"type":"status","unitId":${unit}`));
      const { status } = JSON.parse(line) as { status: { positionMm: number; holding: boolean } };
      expect(status.positionMm).toBeCloseTo(60 * unit, 1);
      expect(status.holding).toBe(true);
    }
  });

  it('on SIGTERM the simulator records a hold on every drive before the supervisor exits', async () => {
    const { configPath, sim } = await startSim();
    let signalled = false;
    const run = runSupervisor(configPath, [], (event, { child }) => {
      if (!signalled && event.type === 'job_done') {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    expect(await run.exit, run.stderr()).toBe(EXIT_INCOMPLETE);
    expect(run.events.filter((e) => e.type === 'stop').at(-1), JSON.stringify(run.events.slice(-12), null, 0)).toMatchObject({
      reason: 'SIGTERM received',
    });
    const holds = sim.stdout
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { type: string; unitId?: number; request?: { op: string } })
      .filter((e) => e.type === 'command' && e.request?.op === 'hold');
    expect(new Set(holds.map((e) => e.unitId))).toEqual(new Set([1, 2, 3, 4]));
  });
});
