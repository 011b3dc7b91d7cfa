import { describe, expect, it } from 'vitest';
import { loadProfiles } from '../../src/compose/modbus-axes.ts';
import { checkBusDeadlines, checkBusKeepAlive } from '../../src/compose/rtu-timing-checks.ts';
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
    expect(issue).toMatchObject({
      path: 'axes[0].timeoutMs',
      message: expect.stringMatching(
        /^1 ms is shorter than a move on bus 'rs485' \(\d+ exchanges: status read, target and speed, control word; [\d.]+ ms on the wire at 115200 baud \+ 20 ms slack\); set timeoutMs to at least \d+, or raise the baud rate$/,
      ),
    });
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

/** `drives` kpower-generic drives (100 ms comm-loss watchdog) on one 115200 8E1 bus with `slackMs`, polled every `periodMs`. */
async function sharedBus(drives: number, slackMs: number, periodMs = 10, defaults = '{}') {
  const axes = Array.from(
    { length: drives },
    (_, i) =>
      `  - { id: x${i + 1}, driver: { type: modbus, bus: rs485, unitId: ${i + 1} }, limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500 } }`,
  );
  const config = parseConfig(
    [
      `cycle: { periodMs: ${periodMs} }`,
      `defaults: ${defaults}`,
      'buses:',
      `  - { id: rs485, type: rtu, path: /dev/ttyUSB0, baudRate: 115200, slackMs: ${slackMs} }`,
      'axes:',
      ...axes,
    ].join('\n'),
    'line.yaml',
  );
  return checkBusKeepAlive(config, await loadProfiles(config, '.'));
}

describe('a serial bus that cannot keep its drives inside their comm-loss watchdog', () => {
  it('is refused with the worst gap, the watchdog and the fixes, when dead neighbours would cost their whole slack', async () => {
    const [issue] = await sharedBus(4, 20);
    expect(issue).toMatchObject({ path: 'buses[0]' });
    expect(issue!.message).toMatch(
      /^bus 'rs485' cannot keep its drives inside their comm-loss watchdog: between two requests to 'x1' lie up to 10\d\.\d ms /,
    );
    expect(issue!.message).toMatch(
      /more than 50 % of its 100 ms watchdog \(50 ms\); lower slackMs to (\d+); or raise the drives' comm-loss watchdog \(profile commLossTimeoutMs\) to at least \d+ ms/,
    );
  });

  it("counts the neighbours' retries that fit their deadlines, but not a drive's own (a retry is a request to it), and proposes retries: 0", async () => {
    // One drive retrying only itself: its watchdog hears every retry.
    expect(await sharedBus(1, 15, 10, '{ timeoutMs: 100, retries: 1 }')).toEqual([]);
    // Two drives at 15 ms slack fit without retries (10 + 2 x 18.6 ms), not with the neighbour's retry (+ 18.6 ms).
    expect(await sharedBus(2, 15, 10, '{ timeoutMs: 100, retries: 0 }')).toEqual([]);
    const [issue] = await sharedBus(2, 15, 10, '{ timeoutMs: 100, retries: 1 }');
    expect(issue?.message).toMatch(/and its neighbours' retries where their deadlines leave room for them/);
    expect(issue?.message).toMatch(/; set retries: 0 on its axes \(or in defaults:\); or lower slackMs to \d+;/);
    // A deadline too short for a second exchange leaves no room for a retry: nothing to count.
    expect(await sharedBus(2, 15, 10, '{ timeoutMs: 30, retries: 1 }')).toEqual([]);
  });

  it('accepts the slack it proposes, and fewer drives at the old slack', async () => {
    const proposed = Number(/lower slackMs to (\d+)/.exec((await sharedBus(4, 20))[0]!.message)?.[1]);
    expect(await sharedBus(4, proposed)).toEqual([]);
    expect(await sharedBus(4, proposed + 1)).toHaveLength(1);
    expect(await sharedBus(1, 20)).toEqual([]);
  });

  it('counts the poll period: a slow cycle leaves less room', async () => {
    expect(await sharedBus(2, 10, 10)).toEqual([]);
    expect(await sharedBus(2, 10, 30)).toHaveLength(1);
  });
});
