import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/common/random.ts';
import { DriveModel, type DriveModelParams, type DriveModelStatus } from '../../sim/drive-model.ts';

const params: DriveModelParams = { maxSpeedMmPerS: 200, maxAccelMmPerS2: 1000, trackingTimeConstantMs: 10 };

function enabledModel(extra: Partial<DriveModelParams> = {}): DriveModel {
  const model = new DriveModel({ ...params, ...extra }, 0);
  model.enable();
  return model;
}

/** Samples the model every ms from `fromMs` until `toMs` (inclusive). */
function sample(model: DriveModel, fromMs: number, toMs: number): DriveModelStatus[] {
  const samples: DriveModelStatus[] = [];
  for (let t = fromMs; t <= toMs; t++) {
    model.advanceTo(t);
    samples.push(model.status());
  }
  return samples;
}

/** Largest |Δv| / 1 ms in a series of per-ms velocities, mm/s². */
function maxAccel(velocities: number[]): number {
  return Math.max(...velocities.slice(1).map((v, i) => Math.abs(v - velocities[i]!) / 0.001));
}

describe('DriveModel profile', () => {
  it('reaches the target without overshoot, within the speed and acceleration limits', () => {
    const model = enabledModel();
    model.moveTo(100, 150);
    const samples = sample(model, 0, 2000);
    const positions = samples.map((s) => s.positionMm);
    const velocities = samples.map((s) => s.velocityMmPerS);
    expect(Math.max(...positions)).toBeLessThanOrEqual(100);
    expect(Math.max(...velocities)).toBeLessThanOrEqual(150 + 1e-9);
    expect(Math.max(...velocities)).toBeGreaterThan(149);
    expect(maxAccel(velocities)).toBeLessThanOrEqual(1000 * (1 + 1e-6));
    const last = samples.at(-1)!;
    expect(last).toMatchObject({ positionMm: 100, moving: false, targetReached: true, velocityMmPerS: 0 });
  });

  it('caps the commanded speed at the maximum speed', () => {
    const model = enabledModel();
    model.moveTo(-300, 10_000);
    const velocities = sample(model, 0, 3000).map((s) => s.velocityMmPerS);
    expect(Math.min(...velocities)).toBeGreaterThanOrEqual(-200 - 1e-9);
    expect(model.status().positionMm).toBe(-300);
  });

  it('lands exactly on targets with short moves that never reach cruise speed', () => {
    for (const target of [0.0004, 0.003, 0.5, 7.77]) {
      const model = enabledModel({ trackingTimeConstantMs: 0 });
      model.moveTo(target, 200);
      const positions = sample(model, 0, 500).map((s) => s.positionMm);
      expect(Math.max(...positions)).toBeLessThanOrEqual(target);
      expect(model.status()).toMatchObject({ positionMm: target, moving: false });
    }
  });

  it('never overshoots nor exceeds the limits, for many random moves from rest', () => {
    const random = seededRandom(42);
    for (let i = 0; i < 50; i++) {
      const model = enabledModel({ initialPositionMm: 10, trackingTimeConstantMs: 0 });
      const target = 10 + (random() - 0.5) * 400;
      model.moveTo(target, 50 + random() * 200);
      const setpoints = sample(model, 0, 5000).map((s) => s.positionMm);
      const overshoot = Math.max(...setpoints.map((p) => (p - target) * Math.sign(target - 10)));
      expect(overshoot).toBeLessThanOrEqual(1e-9);
      expect(maxAccel(setpoints.map((p, k) => (k === 0 ? 0 : (p - setpoints[k - 1]!) / 0.001)))).toBeLessThanOrEqual(1000 * (1 + 1e-6));
      expect(model.status()).toMatchObject({ positionMm: target, moving: false });
    }
  });

  it('keeps to the acceleration limit when re-targeted behind itself mid-move', () => {
    const model = enabledModel();
    model.moveTo(100, 200);
    const outbound = sample(model, 0, 300);
    model.moveTo(0, 200);
    const back = sample(model, 301, 3000);
    const velocities = [...outbound, ...back].map((s) => s.velocityMmPerS);
    expect(maxAccel(velocities)).toBeLessThanOrEqual(1000 * (1 + 1e-6));
    expect(model.status()).toMatchObject({ positionMm: 0, moving: false });
  });

  it('reports a following error near speed × lag while cruising and none at rest', () => {
    const model = enabledModel();
    model.moveTo(200, 100);
    model.advanceTo(1000); // cruising: accel phase is 100 ms, braking starts near 2 s
    const cruising = model.status();
    expect(cruising.moving).toBe(true);
    expect(cruising.followingErrorMm).toBeGreaterThan(0.9 * 100 * 0.01);
    expect(cruising.followingErrorMm).toBeLessThan(1.1 * 100 * 0.01);
    model.advanceTo(3000);
    expect(model.status()).toMatchObject({ followingErrorMm: 0, moving: false, targetReached: true });
  });

  it('reports the target reached only within the in-position window', () => {
    const model = enabledModel({ inPositionWindowMm: 0.5 });
    model.moveTo(10, 100);
    const samples = sample(model, 0, 1000);
    const firstReached = samples.find((s) => s.targetReached)!;
    expect(firstReached.moving).toBe(false);
    expect(Math.abs(10 - firstReached.positionMm)).toBeLessThanOrEqual(0.5);
  });
});

describe('DriveModel jam', () => {
  it('freezes the actual position while the following error grows', () => {
    const model = enabledModel();
    model.moveTo(100, 100);
    model.advanceTo(300);
    model.setJammed(true);
    const stuckAt = model.status().positionMm;
    const errors = [400, 500, 600].map((t) => {
      model.advanceTo(t);
      return model.status().followingErrorMm;
    });
    expect(model.status().positionMm).toBe(stuckAt);
    expect(model.status().velocityMmPerS).toBe(0);
    expect(errors[1]!).toBeGreaterThan(errors[0]!);
    expect(errors[2]!).toBeGreaterThan(errors[1]! + 5);
  });

  it('catches up with the setpoint once the jam clears', () => {
    const model = enabledModel();
    model.moveTo(50, 100);
    model.setJammed(true);
    model.advanceTo(2000);
    expect(model.status().followingErrorMm).toBe(50);
    model.setJammed(false);
    model.advanceTo(3000);
    expect(model.status()).toMatchObject({ positionMm: 50, followingErrorMm: 0 });
  });
});

describe('DriveModel hold', () => {
  it('stops within v²/(2a) of the setpoint and holds the stop position', () => {
    const model = enabledModel();
    model.moveTo(1000, 200);
    model.advanceTo(1000);
    const before = model.status();
    const setpointAtHold = before.positionMm + before.followingErrorMm;
    const speed = before.velocityMmPerS;
    model.hold();
    const predictedStop = model.status().targetMm;
    model.advanceTo(1500);
    const stopped = model.status();
    expect(stopped).toMatchObject({ moving: false, holding: true, targetReached: true, velocityMmPerS: 0 });
    expect(stopped.positionMm - setpointAtHold).toBeLessThanOrEqual((speed * speed) / (2 * 1000));
    expect(stopped.positionMm - setpointAtHold).toBeGreaterThan(0.9 * ((speed * speed) / (2 * 1000)));
    expect(stopped.targetMm).toBeCloseTo(predictedStop, 9);
    model.advanceTo(60_000);
    expect(model.status().positionMm).toBe(stopped.positionMm);
  });

  it('brakes at no more than the acceleration limit', () => {
    const model = enabledModel();
    model.moveTo(1000, 200);
    model.advanceTo(1000);
    model.hold();
    const velocities = sample(model, 1001, 1400).map((s) => s.velocityMmPerS);
    expect(maxAccel(velocities)).toBeLessThanOrEqual(1000 * (1 + 1e-6));
  });

  it('is released by the next move', () => {
    const model = enabledModel();
    model.hold();
    expect(model.status().holding).toBe(true);
    model.moveTo(5, 50);
    expect(model.status().holding).toBe(false);
  });
});

describe('DriveModel power stage', () => {
  it('does not jump when enabled', () => {
    const model = new DriveModel({ ...params, initialPositionMm: 12.5 }, 0);
    expect(model.status()).toMatchObject({ enabled: false, positionMm: 12.5 });
    model.enable();
    model.advanceTo(500);
    expect(model.status()).toMatchObject({ enabled: true, positionMm: 12.5, targetMm: 12.5, followingErrorMm: 0, velocityMmPerS: 0 });
  });

  it('stops where it is when disabled mid-move, and re-enables there without a jump', () => {
    const model = enabledModel();
    model.moveTo(100, 100);
    model.advanceTo(400);
    model.disable();
    const stoppedAt = model.status().positionMm;
    model.advanceTo(1000);
    expect(model.status()).toMatchObject({ enabled: false, moving: false, positionMm: stoppedAt, followingErrorMm: 0 });
    model.enable();
    model.advanceTo(2000);
    expect(model.status()).toMatchObject({ positionMm: stoppedAt, targetMm: stoppedAt });
  });

  it('powers off on an alarm and refuses to enable until it is cleared', () => {
    const model = enabledModel();
    model.raiseAlarm(7);
    expect(model.status()).toMatchObject({ alarmCode: 7, ready: false, enabled: false });
    expect(() => model.enable()).toThrow(/alarm 7/);
    model.clearAlarm();
    model.enable();
    expect(model.status()).toMatchObject({ alarmCode: 0, ready: true, enabled: true });
  });
});

describe('DriveModel time', () => {
  it('skips idle time without stepping: 24 h at rest costs no steps', () => {
    const model = enabledModel();
    model.advanceTo(24 * 3600 * 1000);
    expect(model.stepCount).toBe(0);
  });

  it('steps only until the axis settles, then jumps over the rest of a 24 h soak', () => {
    const model = enabledModel();
    model.moveTo(100, 100);
    model.advanceTo(24 * 3600 * 1000);
    expect(model.stepCount).toBeLessThan(2000);
    expect(model.status()).toMatchObject({ positionMm: 100, targetReached: true });
  });

  it('gives the same state however often it is sampled', () => {
    const coarse = enabledModel();
    const fine = enabledModel();
    coarse.moveTo(40, 120);
    fine.moveTo(40, 120);
    coarse.advanceTo(333.7);
    sample(fine, 0, 333);
    fine.advanceTo(333.7);
    expect(fine.status()).toEqual(coarse.status());
  });
});
