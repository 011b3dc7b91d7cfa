import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.ts';
import { Supervisor } from '../../../src/supervisor/supervisor.ts';
import { skipWithoutJohnnyFive } from './support/johnny-five-gate.ts';
import { pulseUs, servoRig } from './support/servo-rig.ts';
import type { SupervisorEvent } from '../../../src/events/events.ts';

/** One servo axis, 0..40 mm at 2°/mm around 20 mm, with a job of two moves. */
const LINE = `
axes:
  - id: pan
    driver: { type: johnny-five, port: /dev/ttyACM0, pin: 9, degreesPerMm: 2, centerMm: 20 }
    limits: { minMm: 0, maxMm: 40, maxSpeedMmPerS: 100, maxAccelMmPerS2: 1000 }
jobs:
  - { id: sweep, axis: pan, moves: [{ positionMm: 35, speedMmPerS: 50 }, { positionMm: 5, speedMmPerS: 100 }] }
`;

/** The supervisor over a HobbyServoDriver on the stub board, wired as the composition root does. */
async function servoLine() {
  const config = parseConfig(LINE, 'servo-line.yaml');
  const axis = config.axes[0]!;
  if (axis.driver.type !== 'johnny-five') throw new Error('expected a johnny-five axis');
  const rig = await servoRig();
  const driver = rig.servo(axis.driver, axis.id);
  await rig.open();
  const { id, limits, fallback, timeoutMs, inPositionMm, recovery, breaker, followingError } = axis;
  const supervisor = new Supervisor({
    clock: rig.clock,
    periodMs: config.cycle.periodMs,
    axes: [{ id, driver, limits, fallback, timeoutMs, inPositionMm, recovery, breaker, followingError }],
    jobs: config.jobs,
  });
  const events: SupervisorEvent[] = [];
  supervisor.onEvent((e) => events.push(e));
  supervisor.start();
  return { ...rig, supervisor, events };
}

describe.skipIf(skipWithoutJohnnyFive)('a supervised hobby servo', () => {
  it('powers up, re-syncs and runs a job to the end without a trip', async () => {
    const { clock, io, supervisor, events } = await servoLine();
    expect(await clock.runUntil(() => supervisor.isSettled(), 10_000)).toBe(true);
    expect(events.filter((e) => e.type === 'trip')).toEqual([]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'resync', axis: 'pan', positionMm: 20 }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'job_done', job: 'sweep', axis: 'pan' }));
    expect(io.pulsesOn(9).at(-1)).toBe(pulseUs(90 + 2 * (5 - 20)));
    expect(io.pulsesOn(9)).toContain(pulseUs(90 + 2 * (35 - 20)));
  });

  it('trips on a lost board and parks the job', async () => {
    const { clock, io, supervisor, events } = await servoLine();
    await clock.runUntil(() => io.pulsesOn(9).length > 20, 10_000);
    io.emit('close');
    expect(await clock.runUntil(() => supervisor.isSettled(), 30_000)).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ type: 'job_parked', job: 'sweep' }));
    expect(events.find((e) => e.type === 'trip')).toMatchObject({
      reason: 'port_lost',
      detail: expect.stringMatching(/IO plugin 'close'/),
    });
  });
});
