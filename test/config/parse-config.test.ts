import { describe, expect, it } from 'vitest';
import { isConfigError, parseConfig } from '../../src/config/index.ts';
import { refusal } from './support/refusal.ts';

const LIMITS = '{ minMm: 0, maxMm: 500, maxSpeedMmPerS: 200, maxAccelMmPerS2: 2000 }';

const VALID_YAML = `
line: demo-line
cycle: { periodMs: 5 }
defaults:
  timeoutMs: 25
  breaker: { cooldownMs: 300, failureRatio: { threshold: 0.4 } }
  followingError: { timeMs: 80 }
axes:
  - id: feeder
    driver: { type: simulated, seed: 7 }
    limits: ${LIMITS}
    fallback: feeder2
    recovery: manual
    breaker: { probesToClose: 5, failureRatio: { windowSize: 40 } }
  - id: feeder2
    driver: { type: simulated }
    limits: ${LIMITS}
    fallback: feeder
jobs:
  - id: job-1
    axis: feeder
    moves: [{ positionMm: 100, speedMmPerS: 150 }]
simulation:
  faults:
    - { axis: feeder, atMs: 1500, clearAtMs: 4000, fault: { kind: jam } }
`;

/** Parses `text` expecting a refusal, and returns it. */
describe('parseConfig', () => {
  it('merges defaults under every axis, the axis value winning, key by key', () => {
    const config = parseConfig(VALID_YAML, 'test.yaml');
    const [feeder, feeder2] = config.axes;
    expect(config.line).toBe('demo-line');
    expect(config.cycle.periodMs).toBe(5);
    expect(config.journal).toBeUndefined();
    expect(feeder).toEqual({
      id: 'feeder',
      driver: { type: 'simulated', seed: 7, latencyMs: 1, jitterMs: 0, trackingTimeConstantMs: 15, initialPositionMm: 0 },
      limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 200, maxAccelMmPerS2: 2000 },
      fallback: 'feeder2',
      onLatchedTrip: 'hold',
      timeoutMs: 25,
      inPositionMm: 0.05,
      recovery: 'manual',
      breaker: {
        consecutiveFailures: 3,
        failureRatio: { threshold: 0.4, windowSize: 40, minimumCalls: 10 },
        cooldownMs: 300,
        backoffFactor: 2,
        maxCooldownMs: 10_000,
        probesToClose: 5,
      },
      followingError: { minWindowMm: 0.5, maxWindowMm: 5, timeMs: 80 },
      retries: 1,
      downgrade: { plan: 'warn', derateFactor: 0.5 },
      preset: undefined,
    });
    expect(feeder2?.recovery).toBe('auto');
    expect(feeder2?.breaker.probesToClose).toBe(3);
    expect(feeder2?.breaker.failureRatio).toEqual({ threshold: 0.4, windowSize: 20, minimumCalls: 10 });
    expect(config.jobs).toEqual([{ id: 'job-1', axis: 'feeder', moves: [{ positionMm: 100, speedMmPerS: 150 }] }]);
    expect(config.simulation.faults).toEqual([{ axis: 'feeder', atMs: 1500, clearAtMs: 4000, fault: { kind: 'jam' } }]);
  });

  it('fills the built-in defaults into a minimal config', () => {
    const config = parseConfig(`axes: [{ id: a, driver: { type: simulated }, limits: ${LIMITS} }]`, 'min.yaml');
    expect(config.line).toBe('line');
    expect(config.cycle.periodMs).toBe(10);
    expect(config.jobs).toEqual([]);
    expect(config.simulation.faults).toEqual([]);
    expect(config.axes[0]?.fallback).toBeUndefined();
    expect(config.axes[0]?.timeoutMs).toBe(20);
    expect(config.axes[0]?.breaker.consecutiveFailures).toBe(3);
  });

  it('accepts the same config written as JSON', () => {
    const fromYaml = parseConfig(VALID_YAML, 'line.yaml');
    const json = JSON.stringify({ ...fromYaml, axes: fromYaml.axes.map((axis) => ({ ...axis })) }, null, '\t');
    expect(parseConfig(json, 'line.json')).toEqual(fromYaml);
  });

  it('lists every mistake of a bad file with its path in one ConfigError', () => {
    const error = refusal(`
axes:
  - id: feeder
    driver: { type: simulated }
    limits: ${LIMITS}
    timout: 20
    fallback: feedr
  - id: press
    driver: { type: simulated }
    fallback: press
  - id: feeder
    driver: { type: simulated }
    limits: { minMm: 0, maxMm: 100, maxSpeedMmPerS: -5, maxAccelMmPerS2: 1000 }
jobs:
  - id: job-1
    axis: feeder
    moves:
      - { positionMm: 100, speedMmPerS: -150 }
      - { positionMm: 600, speedMmPerS: 150 }
  - id: job-2
    axis: presss
    moves: [{ positionMm: 1, speedMmPerS: 1 }]
simulation:
  faults:
    - { axis: fedder, atMs: 1500, fault: { kind: jam } }
`);
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'axes[0].timout',
      'axes[0].fallback',
      'axes[1].limits',
      'axes[1].fallback',
      'axes[2].id',
      'axes[2].limits.maxSpeedMmPerS',
      'jobs[0].moves[0].speedMmPerS',
      'jobs[0].moves[1].positionMm',
      'jobs[1].axis',
      'simulation.faults[0].axis',
    ]);
    const message = (path: string) => error.issues.find((issue) => issue.path === path)?.message;
    expect(message('axes[0].timout')).toMatch(/^unknown key 'timout' \(did you mean 'timeoutMs'\?\)/);
    expect(message('axes[0].fallback')).toBe("fallback 'feedr' is not an axis id (did you mean 'feeder'?) (known: feeder, press)");
    expect(message('axes[1].limits')).toBe('missing (expected object)');
    expect(error.issues.find((issue) => issue.path === 'axes[1].limits')?.line).toBe(8); // the axis's line
    expect(message('axes[2].limits.maxSpeedMmPerS')).toMatch(/expected number to be >0/);
    expect(message('axes[1].fallback')).toMatch(/cannot be its own fallback/);
    expect(message('axes[2].id')).toMatch(/duplicate axis id 'feeder'/);
    expect(message('jobs[0].moves[1].positionMm')).toMatch(/outside the travel \[0, 500\] mm of axis 'feeder'/);
    expect(message('simulation.faults[0].axis')).toMatch(/'fedder' is not an axis id/);
    expect(error.issues.every((issue) => typeof issue.line === 'number')).toBe(true);
  });

  it('prints one line per issue with file, line and column', () => {
    const error = refusal(`axes:\n  - id: a\n    driver: { type: simulated }\n    limits: ${LIMITS}\n    fallback: b\n`);
    expect(error.format()).toBe("test.yaml:5:5: axes[0].fallback: fallback 'b' is not an axis id (known: a)");
    expect(error.message).toContain(error.format());
  });

  it('checks ordered settings after merging, on the layer that set them', () => {
    const error = refusal(`
defaults: { followingError: { maxWindowMm: 1 } }
axes:
  - { id: a, driver: { type: simulated }, limits: ${LIMITS}, followingError: { minWindowMm: 2 } }
`);
    expect(error.issues.map(({ path, message }) => ({ path, message }))).toEqual([
      {
        path: 'axes[0].followingError.minWindowMm',
        message: 'minWindowMm 2 must not exceed maxWindowMm 1 (from defaults:); lower minWindowMm or raise maxWindowMm',
      },
    ]);
  });

  it('names the allowed values of an unknown driver type or fault kind', () => {
    const error = refusal(`
axes: [{ id: a, driver: { type: canopen }, limits: ${LIMITS} }]
simulation: { faults: [{ axis: a, atMs: 0, fault: { kind: jamm } }] }
`);
    expect(error.issues.map(({ path, message }) => `${path}: ${message}`)).toEqual([
      'axes[0].driver.type: unknown type "canopen" (one of: simulated, modbus, lx-servo, sts-servo, johnny-five)',
      'simulation.faults[0].fault.kind: unknown kind "jamm" (one of: silent, slow, dropout, alarm, jam, wear, slowing_drive, degrading_link)',
    ]);
  });

  it('reports a YAML syntax error with its line and column', () => {
    const error = refusal('line: demo\naxes: [ { id: a\ncycle: { periodMs: 10 }\n');
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.issues[0]).toMatchObject({ path: '', line: expect.any(Number), column: expect.any(Number) });
    expect(error.issues[0]?.message).toMatch(/^YAML syntax error: /);
    expect(error.format()).toMatch(/^test\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it('reports the line of a duplicate YAML key', () => {
    const error = refusal('line: a\nline: b\n');
    expect(error.issues).toMatchObject([{ line: 2, column: 1 }]);
  });

  it('is recognised by its type guard only', () => {
    expect(isConfigError(refusal('{}'))).toBe(true);
    expect(isConfigError(new Error('other'))).toBe(false);
    expect(isConfigError(undefined)).toBe(false);
  });
});
