import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeEffectiveSettings } from '../../src/config/effective-settings.ts';
import { isConfigError, parseConfig } from '../../src/config/index.ts';
import { PRESET_NAMES, PRESETS, presetTable } from '../../src/config/presets.ts';

const LIMITS = '{ minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 2000 }';
const axis = (id: string, extra = '') => `  - { id: ${id}, driver: { type: simulated }, limits: ${LIMITS}${extra} }`;

function refusalOf(yaml: string): string[] {
  try {
    parseConfig(yaml, 'test.yaml');
  } catch (error) {
    if (isConfigError(error)) return error.issues.map(({ path, message }) => `${path}: ${message}`);
    throw error;
  }
  throw new Error('the config was accepted');
}

describe('presets by axis role', () => {
  it('README holds the table exactly as the code has it (axisguard presets prints the same)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(presetTable());
  });

  it('layers nearest first: the axis, its preset, defaults:, the built-in values', () => {
    const config = parseConfig(
      [
        'defaults: { preset: conveyor, timeoutMs: 35, inPositionMm: 0.2 }',
        'axes:',
        axis('belt'),
        axis('press1', ', preset: press, breaker: { probesToClose: 7 }, downgrade: { derateFactor: 0.3 }'),
        axis('plain', ', timeoutMs: 25'),
      ].join('\n'),
      'test.yaml',
    );
    const [belt, press1, plain] = config.axes;
    // The preset wins over defaults: (it is the axis's own choice of role); defaults: still fills what no preset sets.
    expect(belt).toMatchObject({
      preset: 'conveyor',
      timeoutMs: 50,
      retries: 2,
      inPositionMm: 0.2,
      downgrade: { plan: 'derate', derateFactor: 0.5 },
    });
    expect(press1).toMatchObject({
      preset: 'press',
      recovery: 'manual',
      retries: 0,
      breaker: { consecutiveFailures: 2, cooldownMs: 2000, probesToClose: 7, backoffFactor: 2 },
      followingError: PRESETS.press.followingError,
      downgrade: { plan: 'drain', derateFactor: 0.3 },
    });
    expect(plain).toMatchObject({ preset: 'conveyor', timeoutMs: 25, retries: 2 });
    expect(describeEffectiveSettings(press1!)).toBe(
      'press1: preset press; timeoutMs 20, retries 0, recovery manual; breaker 2 failures in a row or 0.5 of 20 calls (min 10), ' +
        'cooldown 2000-60000 ms x2, 7 probes; followingError 0.1-1 mm for 20 ms; inPositionMm 0.2; downgrade drain',
    );
  });

  it('refuses an unknown preset with the names it knows, and an override that contradicts its preset, saying where each value came from', () => {
    expect(refusalOf(['axes:', axis('a', ', preset: robot')].join('\n'))).toEqual([
      `axes[0].preset: unknown preset "robot" (one of: ${PRESET_NAMES.join(', ')}; \`axisguard presets\` lists them)`,
    ]);
    expect(refusalOf(['axes:', axis('a', ', preset: pick-and-place, breaker: { cooldownMs: 5000 }')].join('\n'))).toEqual([
      'axes[0].breaker.cooldownMs: cooldownMs 5000 must not exceed maxCooldownMs 4000 (from preset pick-and-place); lower cooldownMs or raise maxCooldownMs',
    ]);
  });

  it('every preset passes the same checks as a config, and a derate factor stays within (0, 1]', () => {
    for (const name of PRESET_NAMES) {
      const { breaker, followingError, downgrade } = PRESETS[name];
      expect(breaker.cooldownMs).toBeLessThanOrEqual(breaker.maxCooldownMs);
      expect(followingError.minWindowMm).toBeLessThanOrEqual(followingError.maxWindowMm);
      expect(downgrade.derateFactor).toBeGreaterThan(0);
      expect(downgrade.derateFactor).toBeLessThanOrEqual(1);
      expect(() => parseConfig(['axes:', axis('a', `, preset: ${name}`)].join('\n'), 'test.yaml')).not.toThrow();
    }
  });
});
