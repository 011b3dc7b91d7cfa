import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { BIN } from '../support/supervisor-process.ts';

type Obj = Record<string, unknown>;

const PROFILE = parse(readFileSync(join(import.meta.dirname, '../../hardware/profiles/kpower-generic.yaml'), 'utf8')) as Obj;

/** A valid line: two simulated axes and one Modbus axis whose profile is the file `drive.yaml` beside the config. */
const validConfig = (): Obj => ({
  line: 'corpus',
  cycle: { periodMs: 10 },
  defaults: { timeoutMs: 60, breaker: { consecutiveFailures: 3, probesToClose: 3 } },
  buses: [{ id: 'rs485', type: 'rtu', path: '/dev/null', baudRate: 115200 }],
  axes: [
    { id: 'a', driver: { type: 'simulated' }, limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500 }, fallback: 'b' },
    { id: 'b', driver: { type: 'simulated' }, limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500 } },
    {
      id: 'm',
      driver: { type: 'modbus', bus: 'rs485', unitId: 1, profile: './drive.yaml' },
      limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500 },
    },
  ],
  jobs: [
    {
      id: 'j',
      axis: 'a',
      moves: [
        { positionMm: 100, speedMmPerS: 200 },
        { positionMm: 400, speedMmPerS: 200 },
      ],
    },
  ],
  simulation: { faults: [{ axis: 'a', atMs: 500, fault: { kind: 'jam' } }] },
});

/** Sets the value at a dotted path (numeric parts index arrays); `undefined` deletes the key. */
function mutate<T extends Obj>(root: T, path: string, value: unknown): T {
  const copy = structuredClone(root);
  const parts = path.split('.');
  let at: Obj = copy;
  for (const part of parts.slice(0, -1)) at = at[part] as Obj;
  const last = parts.at(-1)!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

function checkConfig(config: Obj, profile: Obj): Promise<{ code: number | null; stderr: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'axisguard-corpus-'));
  writeFileSync(join(dir, 'line.yaml'), stringify(config));
  writeFileSync(join(dir, 'drive.yaml'), stringify(profile));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', join(dir, 'line.yaml'), '--check-config'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, dir }));
  });
}

const CONFIG_MISTAKES: ReadonlyArray<{ mistake: string; path: string; value: unknown; reported: string }> = [
  { mistake: 'a misspelt top-level key', path: 'cycel', value: { periodMs: 10 }, reported: 'cycel' },
  { mistake: 'a zero poll period', path: 'cycle.periodMs', value: 0, reported: 'cycle.periodMs' },
  { mistake: 'a negative max speed', path: 'axes.0.limits.maxSpeedMmPerS', value: -1, reported: 'axes[0].limits.maxSpeedMmPerS' },
  { mistake: 'a duplicate axis id', path: 'axes.1.id', value: 'a', reported: 'axes[1].id' },
  { mistake: 'a fallback that is no axis', path: 'axes.0.fallback', value: 'nobody', reported: 'axes[0].fallback' },
  { mistake: 'a job on an unknown axis', path: 'jobs.0.axis', value: 'z', reported: 'jobs[0].axis' },
  { mistake: 'a move outside the travel', path: 'jobs.0.moves.1.positionMm', value: 620, reported: 'jobs[0].moves[1].positionMm' },
  { mistake: 'a move faster than the axis', path: 'jobs.0.moves.0.speedMmPerS', value: 900, reported: 'jobs[0].moves[0].speedMmPerS' },
  {
    mistake: 'a breaker that can never close',
    path: 'defaults.breaker.probesToClose',
    value: 0,
    reported: 'defaults.breaker.probesToClose',
  },
  { mistake: 'an unknown driver type', path: 'axes.1.driver.type', value: 'stepper', reported: 'axes[1].driver.type' },
  { mistake: 'a Modbus axis on an unknown bus', path: 'axes.2.driver.bus', value: 'can0', reported: 'axes[2].driver.bus' },
  { mistake: 'a scheduled fault on an unknown axis', path: 'simulation.faults.0.axis', value: 'q', reported: 'simulation.faults[0].axis' },
  { mistake: 'a Modbus deadline shorter than a move takes on its bus', path: 'axes.2.timeoutMs', value: 2, reported: 'axes[2].timeoutMs' },
];

const PROFILE_MISTAKES: ReadonlyArray<{ mistake: string; path: string; value: unknown; reported: string }> = [
  { mistake: 'a negative countsPerMm', path: 'countsPerMm', value: -5, reported: 'countsPerMm' },
  { mistake: 'an unknown word order', path: 'wordOrder', value: 'middle_first', reported: 'wordOrder' },
  { mistake: 'a 32-bit status word', path: 'registers.statusWord.type', value: 'int32', reported: 'registers.statusWord.type' },
  { mistake: 'two functions on one control bit', path: 'control.controlBits.hold', value: 1, reported: 'control.controlBits.hold' },
  { mistake: 'an unknown key', path: 'vendor', value: 'acme', reported: 'vendor' },
  { mistake: 'a watchdog timeout over 65535 ms', path: 'commLossTimeoutMs', value: 70_000, reported: 'commLossTimeoutMs' },
];

describe('fault matrix: malformed input is refused at start with the exact path', { timeout: 30_000 }, () => {
  it('accepts the unmutated corpus base, so each refusal below is caused by its one mistake', async () => {
    const run = await checkConfig(validConfig(), PROFILE);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  for (const { mistake, path, value, reported } of CONFIG_MISTAKES) {
    it(`refuses a config with ${mistake}: exit 2, stderr names ${reported}`, async () => {
      const run = await checkConfig(mutate(validConfig(), path, value), PROFILE);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`line\\.yaml(:\\d+:\\d+)?: ${reported.replace(/[.[\]]/g, '\\$&')}:`));
    });
  }

  for (const { mistake, path, value, reported } of PROFILE_MISTAKES) {
    it(`refuses a drive profile with ${mistake}: exit 2, stderr names the profile file and ${reported}`, async () => {
      const run = await checkConfig(validConfig(), mutate(PROFILE, path, value));
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${join(run.dir, 'drive.yaml')}: ${reported}:`);
    });
  }
});
