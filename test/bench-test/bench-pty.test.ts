import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchDocument } from '../../src/bench-test/bench-report.ts';
import { requireTools } from '../protocols/support/external-tools.ts';
import { simOverPtyEach } from '../support/sim-over-pty.ts';
import { runAxisguard } from '../support/spawn-run.ts';

const tools = requireTools('socat');

/** Two Kpower-style drives on one RS-485 bus (the pty); the bench tests ax1 only. */
const lineConfig = (port: string): string =>
  [
    'cycle: { periodMs: 10 }',
    'defaults: { timeoutMs: 60, retries: 0, followingError: { minWindowMm: 1, maxWindowMm: 10, timeMs: 40 } }',
    'buses:',
    `  - { id: rs485, type: rtu, path: ${port}, baudRate: 115200, slackMs: 15 }`,
    'axes:',
    ...[1, 2].map(
      (n) =>
        `  - { id: ax${n}, driver: { type: modbus, bus: rs485, unitId: ${n} }, limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500 } }`,
    ),
  ].join('\n');

const bench = (args: string[]) => runAxisguard(['bench', ...args], {}).finished;

// Real time, two processes and a pty: generous timeouts, since CI's two cores may be busy.
describe.skipIf(tools.skip)('axisguard bench against axisguard sim over a real pty', { timeout: 60_000 }, () => {
  const startSim = simOverPtyEach(tools, 'stop');

  it('tests ax1 in real time over Modbus RTU and leaves its neighbour on the bus untouched', async () => {
    const { sim, configPath } = await startSim('1,2', lineConfig);
    const dir = dirname(configPath);
    const run = await bench(['ax1', configPath, '--yes', '--cycles', '1', '--distance', '20', '--out', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('completed: 2 of 2 moves');
    const doc = JSON.parse(readFileSync(join(dir, 'bench-ax1-1.json'), 'utf8')) as BenchDocument;
    expect(doc).toMatchObject({ driver: 'modbus-rtu', clock: 'real', outcome: { result: 'completed' } });
    for (const move of doc.summary.moves) expect(move.settlingTimeMs).toBeGreaterThan(0);
    expect(doc.summary.readStatusLatency.p50Ms).toBeGreaterThan(0);
    const commands = sim.stdout
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { type: string; unitId?: number })
      .filter((e) => e.type === 'command');
    expect(new Set(commands.map((e) => e.unitId))).toEqual(new Set([1]));
  });

  it('tests an LX bus servo the same way, with its SVG, over a servo line', async () => {
    const servoLine = (port: string): string =>
      [
        'cycle: { periodMs: 10 }',
        'defaults: { timeoutMs: 40, inPositionMm: 0.5, followingError: { minWindowMm: 3, maxWindowMm: 15, timeMs: 60 } }',
        'buses:',
        `  - { id: servos, type: lx, path: ${port}, slackMs: 10 }`,
        'axes:',
        '  - { id: wrist, driver: { type: lx-servo, bus: servos, servoId: 1 }, limits: { minMm: 0, maxMm: 230, maxSpeedMmPerS: 200, maxAccelMmPerS2: 2000 } }',
      ].join('\n');
    const { configPath } = await startSim('1', servoLine, ['--bus-servo', 'lx']);
    const dir = dirname(configPath);
    const run = await bench(['wrist', configPath, '--yes', '--cycles', '1', '--distance', '30', '--out', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('completed: 2 of 2 moves');
    const doc = JSON.parse(readFileSync(join(dir, 'bench-wrist-1.json'), 'utf8')) as BenchDocument;
    expect(doc).toMatchObject({ driver: 'lx-servo', clock: 'real', outcome: { result: 'completed' } });
    expect(readFileSync(join(dir, 'bench-wrist-1.svg'), 'utf8')).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/);
  });
});
