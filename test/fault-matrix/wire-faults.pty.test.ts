import { describe, expect, it } from 'vitest';
import { EXIT_INCOMPLETE, EXIT_OK } from '../../src/cli/exit-codes.ts';
import { requireTools } from '../protocols/support/external-tools.ts';
import { rerunAfterOwnStallTrips } from '../support/own-stall-reruns.ts';
import { simOverPtyEach } from '../support/sim-over-pty.ts';
import { modbusLineConfig, runSupervisor, type JsonEvent } from '../support/supervisor-process.ts';

const tools = requireTools('socat');

interface UnitStats {
  readonly crcCorrupted: number;
  readonly garbageBursts: number;
  readonly exceptions: number;
}

const doneJobs = (events: readonly JsonEvent[]) => events.filter((e) => e.type === 'job_done').map((e) => e.job);

// Real time, two processes and a pty: generous timeouts.
describe.skipIf(tools.skip)('fault matrix over a real pty: wire faults injected into axisguard sim', { timeout: 90_000 }, () => {
  const startSim = simOverPtyEach(tools);

  /**
   * Starts the sim and the supervisor; once all four axes are re-synced, sends `inject` lines; `clear 2 all` after `clearAfterMs`.
   * Again when a neighbour of ax2 was held by the supervisor's own stall (own-stall-reruns.ts).
   */
  const runWithFault = (inject: readonly string[], ax2Extra = '', clearAfterMs?: number) =>
    rerunAfterOwnStallTrips(['ax2'], () => runOnceWithFault(inject, ax2Extra, clearAfterMs));

  async function runOnceWithFault(inject: readonly string[], ax2Extra: string, clearAfterMs: number | undefined) {
    const { sim: s, configPath } = await startSim('1,2,3,4', (port) => modbusLineConfig(port, ax2Extra));
    let injected = false;
    const run = runSupervisor(configPath, [], (event, r) => {
      if (injected || event.type !== 'resync' || r.events.filter((e) => e.type === 'resync').length !== 4) return;
      injected = true;
      for (const line of inject) s.send(line);
      if (clearAfterMs !== undefined) setTimeout(() => s.send('clear 2 all'), clearAfterMs);
    });
    // A supervisor that never settles is a finding, not a hang: stop it after 45 s and show its last events.
    const stuck = setTimeout(() => run.child.kill('SIGTERM'), 45_000);
    const supervisorExit = await run.exit;
    clearTimeout(stuck);
    const tail = run.events
      .slice(-15)
      .map((e) => JSON.stringify(e))
      .join('\n');
    expect(run.events.filter((e) => e.type === 'stop').at(-1), tail).toMatchObject({ reason: 'every job is done or parked' });
    // The fault really hit the wire: unit 2's own counters.
    s.send('status 2');
    const { stats } = JSON.parse(await s.waitForLine(/"type":"status","unitId":2/)) as { stats: UnitStats };
    const simExit = await s.stop('SIGTERM');
    return { run, supervisorExit, simExit, injected, stats };
  }

  it('CRC errors on every answer of unit 2: ax2 trips and is parked, the neighbours finish; the supervisor exits 3 (a parked job), the sim 0', async () => {
    const { run, supervisorExit, simExit, injected, stats } = await runWithFault(['inject 2 crc 1']);
    expect(injected).toBe(true);
    expect(stats.crcCorrupted).toBeGreaterThan(0);
    expect(supervisorExit, run.stderr()).toBe(EXIT_INCOMPLETE);
    expect(simExit).toBe(0);
    expect(run.events.filter((e) => e.type === 'trip')).toEqual([expect.objectContaining({ axis: 'ax2', reason: 'consecutive_failures' })]);
    expect(doneJobs(run.events)).toEqual(expect.arrayContaining(['job1', 'job3', 'job4']));
    expect(run.events.find((e) => e.type === 'job_parked')).toMatchObject({ job: 'job2', axis: 'ax2' });
  });

  it('garbage before some answers of unit 2, within a tolerant breaker: ax2 rides it out and all four jobs finish, both processes exit 0', async () => {
    const { run, supervisorExit, simExit, injected, stats } = await runWithFault(
      ['inject 2 garbage 0.2'],
      ', breaker: { consecutiveFailures: 30, failureRatio: { threshold: 0.95, windowSize: 20, minimumCalls: 20 } }',
    );
    expect(injected).toBe(true);
    expect(stats.garbageBursts).toBeGreaterThan(0);
    expect(supervisorExit, run.stderr()).toBe(EXIT_OK);
    expect(simExit).toBe(0);
    expect(run.events.filter((e) => e.type === 'trip')).toEqual([]);
    expect(doneJobs(run.events)).toEqual(expect.arrayContaining(['job1', 'job2', 'job3', 'job4']));
  });

  it('garbage before some answers of unit 2, with the default breaker: the neighbours finish whatever ax2 does; the supervisor exits 3 exactly when its summary shows work not done', async () => {
    const { run, supervisorExit, simExit, injected, stats } = await runWithFault(['inject 2 garbage 0.6']);
    expect(injected).toBe(true);
    expect(stats.garbageBursts).toBeGreaterThan(0);
    // Exit 3 exactly when its summary shows work not done or a hold not confirmed (garbage may hit a hold's answer too).
    const summary = run.events.find((e) => e.type === 'run_summary') as unknown as {
      jobs: { done: number; total: number };
      holdsNotConfirmed: string[];
    };
    const clean = summary.jobs.done === summary.jobs.total && summary.holdsNotConfirmed.length === 0;
    expect(supervisorExit, run.stderr()).toBe(clean ? EXIT_OK : EXIT_INCOMPLETE);
    expect(simExit).toBe(0);
    expect(run.events.filter((e) => e.type === 'trip' && e.axis !== 'ax2')).toEqual([]);
    expect(doneJobs(run.events)).toEqual(expect.arrayContaining(['job1', 'job3', 'job4']));
  });

  it('Modbus exception answers from unit 2: ax2 trips and is held, the neighbours finish; the supervisor exits 3 (a parked job), the sim 0', async () => {
    const { run, supervisorExit, simExit, injected, stats } = await runWithFault(['inject 2 exception 4'], '', 1500);
    expect(injected).toBe(true);
    expect(stats.exceptions).toBeGreaterThan(0);
    expect(supervisorExit, run.stderr()).toBe(EXIT_INCOMPLETE);
    expect(simExit).toBe(0);
    const trips = run.events.filter((e) => e.type === 'trip');
    expect(
      trips.map((e) => e.axis),
      JSON.stringify(trips),
    ).toEqual(['ax2']);
    expect(run.events.filter((e) => e.type === 'hold' && e.axis === 'ax2' && e.cause === 'trip').length).toBeGreaterThan(0);
    expect(doneJobs(run.events)).toEqual(expect.arrayContaining(['job1', 'job3', 'job4']));
  });
});
