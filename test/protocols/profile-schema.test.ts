import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_PROFILES,
  type DriveProfileError,
  isDriveProfileError,
  loadDriveProfile,
  parseDriveProfile,
  statusBlockSpan,
} from '../../protocols/profile-schema.ts';
import { thrownBy } from '../support/refused.ts';

/** Parses `text` expecting a refusal, and returns it. */
const refusal = (text: string): DriveProfileError =>
  thrownBy(() => parseDriveProfile(text, 'bad.yaml'), isDriveProfileError, 'expected the profile to be refused');

const GOOD = `
name: test
description: a small valid profile
wordOrder: high_first
countsPerMm: 1000
commLossTimeoutMs: 100
registers:
  controlWord:     { address: 0x0000, type: uint16 }
  statusWord:      { address: 0x0001, type: uint16 }
  targetPosition:  { address: 0x0002, type: int32 }
  profileSpeed:    { address: 0x0004, type: uint32 }
  actualPosition:  { address: 0x0006, type: int32 }
  actualVelocity:  { address: 0x0008, type: int32 }
  followingError:  { address: 0x000A, type: int32 }
  alarmCode:       { address: 0x000C, type: uint16 }
  commLossTimeout: { address: 0x0010, type: uint16 }
control: { style: cia402 }
`;

describe('drive profiles', () => {
  it.each(BUILT_IN_PROFILES)('loads the shipped profile %s', async (name) => {
    const profile = await loadDriveProfile(name);
    expect(profile.name).toBe(name);
    expect(statusBlockSpan(profile.registers)!.count).toBeLessThanOrEqual(125);
  });

  it('ships two maps of different shape', async () => {
    const [kpower, cia402] = await Promise.all([loadDriveProfile('kpower-generic'), loadDriveProfile('cia402-generic')]);
    expect(kpower).toMatchObject({ wordOrder: 'high_first', countsPerMm: 1000, commLossTimeoutMs: 100, control: { style: 'bits' } });
    expect(kpower.registers.statusWord.address).toBe(0x0001);
    expect(cia402).toMatchObject({ wordOrder: 'low_first', countsPerMm: 10_000, control: { style: 'cia402' } });
    expect(Math.abs(cia402.registers.statusWord.address - cia402.registers.controlWord.address)).toBeGreaterThan(1);
  });

  it('loads a profile file by path, YAML or JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'axisguard-profile-'));
    const yamlPath = join(dir, 'mine.yaml');
    const jsonPath = join(dir, 'mine.json');
    await writeFile(yamlPath, GOOD);
    await writeFile(jsonPath, JSON.stringify(parseDriveProfile(GOOD, 'inline')));
    await expect(loadDriveProfile(yamlPath)).resolves.toMatchObject({
      name: 'test',
      registers: { followingError: { address: 10, type: 'int32' } },
    });
    await expect(loadDriveProfile(jsonPath)).resolves.toEqual(await loadDriveProfile(yamlPath));
  });

  it('refuses an unknown built-in name and a missing file, saying what to give instead', async () => {
    await expect(loadDriveProfile('kpower')).rejects.toMatchObject({
      issues: [{ message: expect.stringMatching(/built-in: kpower-generic, cia402-generic/) }],
    });
    await expect(loadDriveProfile('./no/such.yaml')).rejects.toMatchObject({
      isDriveProfileError: true,
      issues: [{ message: expect.stringMatching(/cannot read/) }],
    });
  });

  it('refuses a bad profile with every problem at once, each naming its register', async () => {
    const bad = GOOD.replace('targetPosition:  { address: 0x0002', 'targetPosition:  { address: 0x0001')
      .replace('actualPosition:  { address: 0x0006, type: int32 }', 'actualPosition:  { address: 0xFFFF, type: int32 }')
      .replace('alarmCode:       { address: 0x000C, type: uint16 }', 'alarmCode:       { address: 0x000C, type: uint16, scale: 1 }')
      .replace(
        'control: { style: cia402 }',
        'control:\n  style: bits\n  controlBits: { enable: 0, start: 1, hold: 1, alarmReset: 7 }\n  statusBits: { ready: 0, enabled: 1, moving: 2, targetReached: 3, alarm: 7, holding: 7 }',
      );
    const { issues } = refusal(bad);
    const at = (path: string) => issues.filter((issue) => issue.path === path).map((issue) => issue.message);
    expect(at('registers.targetPosition')).toEqual([
      expect.stringMatching(/targetPosition \(0x0001\.\.0x0002\) overlaps statusWord \(0x0001\)/),
    ]);
    expect(at('registers.actualPosition')).toEqual([
      expect.stringMatching(/actualPosition is int32 at 0xFFFF.*move it to 0xFFFE or lower/),
    ]);
    expect(at('control.controlBits.hold')).toEqual([expect.stringMatching(/hold uses control word bit 1, which is already start's/)]);
    expect(at('control.statusBits.holding')).toEqual([expect.stringMatching(/holding uses status word bit 7, which is already alarm's/)]);
    expect(at('registers')).toEqual([
      expect.stringMatching(
        /status block .* spans 65536 registers, from statusWord at 0x0001 to actualPosition ending at 0x10000; one FC03 reads at most 125/,
      ),
    ]);
    expect(at('registers.alarmCode.scale')).toEqual([expect.stringMatching(/unknown key 'scale'; known keys here: address, type/)]);
    expect(issues).toHaveLength(6);
  });

  it('names the fix for out-of-range numbers and a timeout that does not fit its register', async () => {
    const bad = GOOD.replace('countsPerMm: 1000', 'countsPerMm: 0')
      .replace('commLossTimeoutMs: 100', 'commLossTimeoutMs: 40000')
      .replace('commLossTimeout: { address: 0x0010, type: uint16 }', 'commLossTimeout: { address: 0x0010, type: int16 }')
      .replace('alarmCode:       { address: 0x000C', 'alarmCode:       { address: 70000')
      .replace('wordOrder: high_first', 'wordOrder: big');
    const error = refusal(bad);
    expect(error.format().split('\n')).toEqual([
      'bad.yaml: wordOrder: must be one of: high_first, low_first (got "big")',
      'bad.yaml: countsPerMm: countsPerMm must be > 0 (encoder counts per mm of axis travel)',
      expect.stringMatching(/^bad\.yaml: registers\.alarmCode\.address: address must be 0\.\.65535/),
      'bad.yaml: commLossTimeoutMs: commLossTimeoutMs 40000 does not fit registers.commLossTimeout (int16, at most 32767); lower it or declare the register uint16',
    ]);
  });

  it('refuses a status block wider than one FC03 and says how wide it is', async () => {
    const { issues } = refusal(GOOD.replace('alarmCode:       { address: 0x000C', 'alarmCode:       { address: 0x0200'));
    expect(issues).toEqual([
      { path: 'registers', message: expect.stringMatching(/spans 512 registers, from statusWord at 0x0001 to alarmCode ending at 0x0200/) },
    ]);
  });

  it('reports YAML syntax errors and a missing style', async () => {
    expect(refusal('name: [x').issues[0]!.message).toMatch(/^YAML syntax error/);
    expect(refusal(GOOD.replace('control: { style: cia402 }', 'control: { style: canopen }')).issues).toEqual([
      { path: 'control.style', message: 'style must be one of: bits, cia402' },
    ]);
  });
});
