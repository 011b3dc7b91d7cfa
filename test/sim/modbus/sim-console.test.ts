import { describe, expect, it } from 'vitest';
import { describeFault, parseConsoleLine } from '../../../sim/modbus/sim-console.ts';

describe('sim console commands', () => {
  it.each([
    ['inject 1 silent', { kind: 'inject', unitId: 1, fault: { kind: 'silent' } }],
    ['inject 2 slow 50', { kind: 'inject', unitId: 2, fault: { kind: 'slow', latencyMs: 50 } }],
    ['  inject 3 dropout 0.25 ', { kind: 'inject', unitId: 3, fault: { kind: 'dropout', probability: 0.25 } }],
    ['inject 1 crc 1', { kind: 'inject', unitId: 1, fault: { kind: 'crc', probability: 1 } }],
    ['inject 1 garbage 0.1', { kind: 'inject', unitId: 1, fault: { kind: 'garbage', probability: 0.1 } }],
    ['inject 1 exception 6', { kind: 'inject', unitId: 1, fault: { kind: 'exception', code: 6 } }],
    ['inject 1 alarm 42', { kind: 'inject', unitId: 1, fault: { kind: 'alarm', code: 42 } }],
    ['inject 247 jam', { kind: 'inject', unitId: 247, fault: { kind: 'jam' } }],
    ['clear 1', { kind: 'clear', unitId: 1, faultKind: undefined }],
    ['clear 1 all', { kind: 'clear', unitId: 1, faultKind: undefined }],
    ['clear 1 slow', { kind: 'clear', unitId: 1, faultKind: 'slow' }],
    ['status', { kind: 'status', unitId: undefined }],
    ['status 2', { kind: 'status', unitId: 2 }],
    ['help', { kind: 'help' }],
  ])('parses %j', async (line, command) => {
    expect(parseConsoleLine(line)).toEqual(command);
  });

  it('ignores blank lines and comments', async () => {
    expect(parseConsoleLine('   ')).toBeUndefined();
    expect(parseConsoleLine('# a note')).toBeUndefined();
  });

  it.each([
    ['inject 1 slow', /^expected 'inject <unit> silent\|slow <ms>/],
    ['inject 1 jam 5', /^expected 'inject <unit>/],
    ['inject 0 jam', /^expected 'inject <unit>/],
    ['inject 1 melt', /^expected 'inject <unit>/],
    ['inject 1 crc x', /^expected 'inject <unit>/],
    ['clear', /^expected 'clear <unit> \[silent\|slow\|/],
    ['clear 1 fire', /^expected 'clear <unit>/],
    ['status one', /^expected 'status \[unit\]'/],
    ['reboot', /^unknown command 'reboot'; expected inject, clear, status or help$/],
  ])('says what was expected for %j', async (line, message) => {
    expect(parseConsoleLine(line)).toEqual({ kind: 'error', message: expect.stringMatching(message) });
  });

  it('describes a fault the way inject takes it', async () => {
    for (const line of ['silent', 'slow 50', 'dropout 0.25', 'crc 1', 'garbage 0.1', 'exception 6', 'alarm 42', 'jam']) {
      const parsed = parseConsoleLine(`inject 1 ${line}`);
      expect(parsed?.kind === 'inject' && describeFault(parsed.fault)).toBe(line);
    }
  });
});
