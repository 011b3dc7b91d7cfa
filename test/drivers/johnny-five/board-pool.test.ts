import { describe, expect, it } from 'vitest';
import { BoardPool } from '../../../drivers/johnny-five/board-pool.ts';
import { HobbyServoDriver } from '../../../drivers/johnny-five/hobby-servo-driver.ts';
import { isJohnnyFiveUnavailableError, loadJohnnyFive, type JohnnyFiveRuntime } from '../../../drivers/johnny-five/load-johnny-five.ts';
import { VirtualClock } from '../../../src/common/virtual-clock.ts';
import { by, rejection, settle } from '../modbus/support/harness.ts';
import { skipWithoutJohnnyFive } from './support/johnny-five-gate.ts';
import { servoRig, SG90 } from './support/servo-rig.ts';
import { StubFirmata } from './support/stub-firmata.ts';

describe('BoardPool and loadJohnnyFive, johnny-five installed or not', () => {
  it('never loads johnny-five when no servo asked for a board', async () => {
    const clock = new VirtualClock();
    let loads = 0;
    const pool = new BoardPool(clock, async () => {
      loads++;
      throw new Error('must not load');
    });
    await pool.open();
    await pool.close();
    expect(loads).toBe(0);
  });

  it('says how to install a missing johnny-five', async () => {
    const error: unknown = await loadJohnnyFive('johnny-five-not-installed').catch((e: unknown) => e);
    expect(isJohnnyFiveUnavailableError(error)).toBe(true);
    expect((error as Error).message).toBe('johnny-five-not-installed is not installed: npm install johnny-five-not-installed');
  });
});

describe.skipIf(skipWithoutJohnnyFive)('BoardPool', () => {
  it('loads johnny-five once and opens one IO plugin per port, however many servos share it', async () => {
    const clock = new VirtualClock();
    const real = (await import('johnny-five')).default;
    const opened: string[] = [];
    let loads = 0;
    const pool = new BoardPool(clock, async (): Promise<JohnnyFiveRuntime> => {
      loads++;
      return {
        five: real,
        openIo: (port) => {
          opened.push(port);
          const io = new StubFirmata(clock);
          clock.setTimer(() => io.boot(), 10);
          return io;
        },
      };
    });
    for (const [port, pin] of [
      ['/dev/ttyACM0', 9],
      ['/dev/ttyACM0', 10],
      ['/dev/ttyACM1', 9],
    ] as const) {
      new HobbyServoDriver({ servo: { ...SG90, pin }, board: pool.link(port), clock });
    }
    expect(await settle(clock, pool.open())).toMatchObject({ ok: true, atMs: 10 });
    await pool.open();
    expect(loads).toBe(1);
    expect(opened).toEqual(['/dev/ttyACM0', '/dev/ttyACM1']);
  });

  it('waits for the boards at most its ready wait, then leaves the rest to the calls deadlines', async () => {
    const { clock, pool, open } = await servoRig({ boots: false });
    await open();
    expect(clock.now()).toBe(1000);
    await pool.close();
  });

  it('loses a board whose IO plugin cannot be made: its servos fail with port_lost', async () => {
    const clock = new VirtualClock();
    const real = (await import('johnny-five')).default;
    const pool = new BoardPool(clock, async () => ({
      five: real,
      openIo: () => {
        throw new Error('Missing serialport dependency');
      },
    }));
    const driver = new HobbyServoDriver({ servo: SG90, board: pool.link('/dev/ttyACM0'), clock });
    await settle(clock, pool.open());
    const { error } = await rejection(clock, driver.readStatus(by(clock, 20)));
    expect(error).toMatchObject({ reason: 'port_lost' });
    expect((error as Error).message).toMatch(/cannot open \/dev\/ttyACM0: Missing serialport dependency/);
  });
});

describe.skipIf(skipWithoutJohnnyFive)('loadJohnnyFive', () => {
  it('loads the installed johnny-five with its Firmata IO plugin', async () => {
    const runtime = await loadJohnnyFive();
    expect(typeof runtime.five.Board).toBe('function');
    expect(typeof runtime.five.Servo).toBe('function');
    expect(typeof runtime.openIo).toBe('function');
  });
});
