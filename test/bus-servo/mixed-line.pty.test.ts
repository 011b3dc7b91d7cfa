import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requireTools } from '../protocols/support/external-tools.ts';
import { until } from '../support/until.ts';
import { SimProcess } from '../sim/modbus/support/sim-process.ts';
import { ptyPairEach } from '../support/sim-over-pty.ts';
import { runSupervisor, storyOf, type JsonEvent } from '../support/supervisor-process.ts';

/**
 * Issue #16: one line of Modbus drives (RS-485, one pty) and LX bus servos (a servo line, another
 * pty), each served by its own `axisguard sim`. A jammed servo and a silent Modbus drive each trip
 * and are held on their own line; the other drive and the other servo finish their jobs.
 */

const tools = requireTools('socat');
const ofType = (events: readonly JsonEvent[], type: string) => events.filter((e) => e.type === type);

function mixedConfig(rs485: string, servos: string): string {
  const shuttle = (a: number, b: number, speed: number) =>
    Array.from({ length: 6 }, (_, i) => `{ positionMm: ${i % 2 === 0 ? a : b}, speedMmPerS: ${speed} }`).join(', ');
  return [
    'line: mixed-cell',
    'cycle: { periodMs: 10, warmupMs: 0 }',
    'defaults: { timeoutMs: 40, retries: 0, inPositionMm: 0.5, followingError: { minWindowMm: 3, maxWindowMm: 15, timeMs: 60 } }',
    'buses:',
    `  - { id: rs485, type: rtu, path: ${rs485}, baudRate: 115200, slackMs: 10 }`,
    `  - { id: servos, type: lx, path: ${servos}, slackMs: 10 }`,
    'axes:',
    '  - { id: ax1, driver: { type: modbus, bus: rs485, unitId: 1 }, limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500 } }',
    '  - { id: ax2, driver: { type: modbus, bus: rs485, unitId: 2 }, limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500 } }',
    '  - { id: wrist, driver: { type: lx-servo, bus: servos, servoId: 1 }, limits: { minMm: 0, maxMm: 230, maxSpeedMmPerS: 200, maxAccelMmPerS2: 2000 } }',
    '  - { id: elbow, driver: { type: lx-servo, bus: servos, servoId: 2 }, limits: { minMm: 0, maxMm: 230, maxSpeedMmPerS: 200, maxAccelMmPerS2: 2000 } }',
    'jobs:',
    `  - { id: j-ax1, axis: ax1, moves: [${shuttle(150, 20, 200)}] }`,
    `  - { id: j-ax2, axis: ax2, moves: [${shuttle(150, 20, 200)}] }`,
    `  - { id: j-wrist, axis: wrist, moves: [${shuttle(200, 40, 120)}] }`,
    `  - { id: j-elbow, axis: elbow, moves: [${shuttle(200, 40, 120)}] }`,
  ].join('\n');
}

describe.skipIf(tools.skip)('a mixed line: Modbus drives and LX bus servos on their own ports', { timeout: 90_000 }, () => {
  const openPair = ptyPairEach(tools);
  const sims: SimProcess[] = [];
  afterEach(async () => {
    for (const sim of sims.splice(0)) await sim.stop();
  });

  it('a jammed servo and a silent drive each trip on their own line; the other drive and servo finish their jobs', async () => {
    const [rs485, servos] = [await openPair(), await openPair()];
    const modbusSim = new SimProcess(['--serial', rs485.pathB, '--units', '1,2', '--json']);
    const servoSim = new SimProcess(['--serial', servos.pathB, '--bus-servo', 'lx', '--ids', '1,2', '--json']);
    sims.push(modbusSim, servoSim);
    await Promise.all([modbusSim.waitForLine(/"type":"ready"/), servoSim.waitForLine(/"type":"ready"/)]);
    const configPath = join(dirname(rs485.pathA), 'mixed.yaml');
    writeFileSync(configPath, mixedConfig(rs485.pathA, servos.pathA));
    const run = runSupervisor(configPath, []);
    const tail = () => storyOf(run);
    const moving = (axis: string) => ofType(run.events, 'axis_state').some((e) => e.axis === axis && e.to === 'DiscreteMotion');
    await until('every axis moving', () => ['ax1', 'ax2', 'wrist', 'elbow'].every(moving), 20_000, tail);
    servoSim.send('inject 1 jam');
    modbusSim.send('inject 2 silent');
    await until('every job settled', () => ofType(run.events, 'stop').length > 0, 60_000, tail);
    await run.exit;
    const trips = ofType(run.events, 'trip').map((e) => `${e.axis}:${e.reason}`);
    expect(trips, tail()).toEqual(
      expect.arrayContaining(['wrist:following_error', expect.stringMatching(/^ax2:(consecutive_failures|failure_ratio)$/)]),
    );
    expect(trips.filter((t) => t.startsWith('ax1') || t.startsWith('elbow'))).toEqual([]);
    expect(
      ofType(run.events, 'job_done')
        .map((e) => e.job)
        .sort(),
    ).toEqual(['j-ax1', 'j-elbow']);
    expect(
      ofType(run.events, 'job_parked')
        .map((e) => e.job)
        .sort(),
    ).toEqual(['j-ax2', 'j-wrist']);
  });
});
