import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBusServoAxes } from '../../src/compose/servo-line-checks.ts';
import { isConfigError, parseConfig } from '../../src/config/index.ts';
import { runAxisguard } from '../support/spawn-run.ts';
import { tempDirEach } from '../support/temp-dir.ts';

const LIMITS = '{ minMm: 0, maxMm: 200, maxSpeedMmPerS: 200, maxAccelMmPerS2: 2000 }';
const line = (axes: readonly string[], defaults = '{ inPositionMm: 0.5 }') =>
  [
    `defaults: ${defaults}`,
    'buses:',
    '  - { id: rs485, type: rtu, path: /dev/ttyUSB0 }',
    '  - { id: servos, type: lx, path: /dev/ttyUSB1 }',
    '  - { id: arm, type: sts, path: /dev/ttyUSB2 }',
    'axes:',
    ...axes,
  ].join('\n');

function issuesOf(yaml: string): string[] {
  try {
    return checkBusServoAxes(parseConfig(yaml, 'line.yaml')).map((i) => `${i.path}: ${i.message}`);
  } catch (error) {
    if (!isConfigError(error)) throw error;
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

describe('bus-servo axes in the config', () => {
  it('takes an LX and an STS servo on their lines, with the protocol defaults filled in', () => {
    const config = parseConfig(
      line([
        `  - { id: wrist, driver: { type: lx-servo, bus: servos, servoId: 1 }, limits: ${LIMITS} }`,
        `  - { id: shoulder, driver: { type: sts-servo, bus: arm, servoId: 1 }, limits: ${LIMITS} }`,
      ]),
      'line.yaml',
    );
    expect(config.buses.find((b) => b.id === 'arm')).toMatchObject({ type: 'sts', baudRate: 1_000_000, echo: false, slackMs: 20 });
    expect(config.axes.map((a) => a.driver)).toEqual([
      { type: 'lx-servo', bus: 'servos', servoId: 1, mmPerDegree: 1, maxTemperatureC: 70 },
      { type: 'sts-servo', bus: 'arm', servoId: 1, mmPerDegree: 1, acceleration: 0 },
    ]);
    expect(issuesOf(line([`  - { id: wrist, driver: { type: lx-servo, bus: servos, servoId: 1 }, limits: ${LIMITS} }`]))).toEqual([]);
  });

  it('refuses a servo on the wrong kind of bus, a servo id used twice on a line, a travel beyond the servo and an in-position window finer than its step', () => {
    expect(
      issuesOf(
        line([
          `  - { id: a, driver: { type: lx-servo, bus: rs485, servoId: 1 }, limits: ${LIMITS} }`,
          `  - { id: b, driver: { type: lx-servo, bus: servos, servoId: 2 }, limits: ${LIMITS} }`,
          `  - { id: c, driver: { type: lx-servo, bus: servos, servoId: 2 }, limits: ${LIMITS} }`,
        ]),
      ),
    ).toEqual([
      "axes[0].driver.bus: bus 'rs485' is of type rtu; driver type lx-servo needs a bus of type lx",
      "axes[2].driver.servoId: servo id 2 on bus 'servos' is already axes[1]'s; each servo on a line needs its own id",
    ]);
    expect(
      issuesOf(
        line(
          [
            '  - { id: a, driver: { type: lx-servo, bus: servos, servoId: 1, mmPerDegree: 0.5 }, limits: { minMm: 0, maxMm: 150, maxSpeedMmPerS: 100, maxAccelMmPerS2: 1000 } }',
          ],
          '{ inPositionMm: 0.05 }',
        ),
      ),
    ).toEqual([
      "axes[0].limits: travel [0, 150] mm is outside an LX servo's 0..240 degrees (0..120 mm at mmPerDegree 0.5); narrow the travel or change driver.mmPerDegree",
      'axes[0].inPositionMm: 0.05 mm is finer than one position step of an LX servo (0.24 degrees = 0.12 mm here); set inPositionMm to at least 0.12',
    ]);
  });
});

describe('axisguard run --check-config with bus servos', () => {
  const dir = tempDirEach('axisguard-servo-config-');

  it('says that bus servos have no comm-loss watchdog', async () => {
    const path = join(dir(), 'line.yaml');
    writeFileSync(path, line([`  - { id: wrist, driver: { type: lx-servo, bus: servos, servoId: 1 }, limits: ${LIMITS} }`]));
    const run = await runAxisguard(['run', path, '--check-config'], {}).finished;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^note: wrist: bus servos have no comm-loss watchdog; if axisguard stops, they keep their last target\./m);
  });
});
