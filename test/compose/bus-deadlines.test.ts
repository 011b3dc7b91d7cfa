import { describe, expect, it } from 'vitest';
import { checkBusDeadlines, loadProfiles } from '../../src/compose/modbus-axes.ts';
import { parseConfig } from '../../src/config/index.ts';

/** One kpower-generic axis on an RTU bus at `baudRate` (8E1, 20 ms slack) with a `timeoutMs` deadline. */
async function oneAxis(baudRate: number, timeoutMs: number) {
  const config = parseConfig(
    [
      'buses:',
      `  - { id: rs485, type: rtu, path: /dev/ttyUSB0, baudRate: ${baudRate}, parity: even, slackMs: 20 }`,
      'axes:',
      `  - { id: x1, driver: { type: modbus, bus: rs485, unitId: 1, profile: kpower-generic }, limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500 }, timeoutMs: ${timeoutMs} }`,
    ].join('\n'),
    'line.yaml',
  );
  return checkBusDeadlines(config, await loadProfiles(config, '.'));
}

/** The minimum the refusal names. */
const minimumIn = (message: string): number => Number(/set timeoutMs to at least (\d+)/.exec(message)?.[1]);

describe('a Modbus axis deadline too short for its bus', () => {
  it('is refused below what a whole move takes on the wire plus slack, naming the field and the minimum', async () => {
    const [issue] = await oneAxis(115_200, 1);
    expect(issue).toMatchObject({ path: 'axes[0].timeoutMs', message: expect.stringMatching(/^1 ms is shorter than a move on bus 'rs485' \(\d+ exchanges: status read, target and speed, control word; [\d.]+ ms on the wire at 115200 baud \+ 20 ms slack\); set timeoutMs to at least \d+, or raise the baud rate$/) });
    const minimum = minimumIn(issue!.message);
    // More than a status read alone (37 bytes, ~3.5 ms at 115200 8E1) plus the slack: the writes count too.
    expect(minimum).toBeGreaterThan(Math.ceil(3.6 + 20));
    expect(await oneAxis(115_200, minimum - 1)).toHaveLength(1);
    expect(await oneAxis(115_200, minimum)).toEqual([]);
  });

  it('scales with the baud rate: at 9600 the same move needs twelve times the wire time', async () => {
    const fast = minimumIn((await oneAxis(115_200, 1))[0]!.message) - 20;
    const slow = minimumIn((await oneAxis(9_600, 1))[0]!.message) - 20;
    expect(slow / fast).toBeGreaterThan(10);
    expect(slow / fast).toBeLessThan(13);
  });
});
