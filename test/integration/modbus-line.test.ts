import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '../protocols/support/external-tools.ts';
import { openPtyPair, type PtyPair } from '../protocols/support/pty-pair.ts';
import { SimProcess } from '../sim/modbus/support/sim-process.ts';

const tools = requireTools('socat');
const BIN = join(import.meta.dirname, '../../bin/axisguard.js');

interface Event {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** A line of four Kpower-style drives on one RS-485 bus (the pty), each with a short job. */
function lineConfig(port: string): string {
  const axis = (n: number) =>
    `  - { id: ax${n}, driver: { type: modbus, bus: rs485, unitId: ${n} }, limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500 } }`;
  const job = (n: number) =>
    `  - { id: job${n}, axis: ax${n}, moves: [{ positionMm: ${50 * n}, speedMmPerS: 200 }, { positionMm: 10, speedMmPerS: 200 }, { positionMm: ${60 * n}, speedMmPerS: 200 }] }`;
  return [
    'line: bench-line',
    'cycle: { periodMs: 10 }',
    'defaults:',
    '  timeoutMs: 60',
    '  followingError: { minWindowMm: 1, maxWindowMm: 10, timeMs: 40 }',
    'buses:',
    `  - { id: rs485, type: rtu, path: ${port}, baudRate: 115200 }`,
    'axes:',
    ...[1, 2, 3, 4].map(axis),
    'jobs:',
    ...[1, 2, 3, 4].map(job),
  ].join('\n');
}

/** `axisguard run` as a child process, JSON events parsed as they come. */
function runSupervisor(configPath: string, onEvent: (event: Event, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, [BIN, 'run', configPath, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Event[] = [];
  let partial = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const event = JSON.parse(line) as Event;
      events.push(event);
      onEvent(event, child);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, events, exit, stderr: () => stderr };
}

// Real time, two processes and a pty: generous timeouts, since CI's two cores may be busy.
describe.skipIf(tools.skip)('axisguard run against axisguard sim over a real pty', { timeout: 90_000 }, () => {
  let pty: PtyPair | undefined;
  let sim: SimProcess | undefined;

  beforeAll(() => tools.assertPresent());
  afterEach(async () => {
    await sim?.kill();
    await pty?.close();
  });

  async function startSim(): Promise<{ configPath: string; sim: SimProcess }> {
    pty = await openPtyPair();
    sim = new SimProcess(['--serial', pty.pathB, '--units', '1,2,3,4', '--json']);
    await sim.waitForLine(/"type":"ready"/);
    const configPath = join(pty.pathA, '..', 'line.yaml');
    writeFileSync(configPath, lineConfig(pty.pathA));
    return { configPath, sim };
  }

  it('runs four drives to the end of their jobs; a silent drive trips and is held while the others finish', async () => {
    const { configPath, sim } = await startSim();
    let silenced = false;
    const run = runSupervisor(configPath, (event) => {
      // Once every axis is powered, silence unit 2 mid-job.
      if (!silenced && event.type === 'resync' && run.events.filter((e) => e.type === 'resync').length === 4) {
        silenced = true;
        sim.send('inject 2 silent');
      }
    });
    expect(await run.exit, run.stderr()).toBe(0);
    const trips = run.events.filter((e) => e.type === 'trip');
    expect(trips).toEqual([expect.objectContaining({ axis: 'ax2', reason: 'consecutive_failures' })]);
    expect(run.events.filter((e) => e.type === 'job_done').map((e) => e.job)).toEqual(expect.arrayContaining(['job1', 'job3', 'job4']));
    expect(run.events.find((e) => e.type === 'job_parked')).toMatchObject({ job: 'job2', axis: 'ax2' });
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
    const run = runSupervisor(configPath, (event, child) => {
      if (!signalled && event.type === 'job_done') {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    expect(await run.exit, run.stderr()).toBe(0);
    expect(run.events.at(-1)).toMatchObject({ type: 'stop', reason: 'SIGTERM received' });
    const holds = sim.stdout
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { type: string; unitId?: number; request?: { op: string } })
      .filter((e) => e.type === 'command' && e.request?.op === 'hold');
    expect(new Set(holds.map((e) => e.unitId))).toEqual(new Set([1, 2, 3, 4]));
  });
});
