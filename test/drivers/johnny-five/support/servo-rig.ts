import type { Board, BoardOptions } from 'johnny-five';
import { BoardPool } from '../../../../drivers/johnny-five/board-pool.ts';
import { HobbyServoDriver } from '../../../../drivers/johnny-five/hobby-servo-driver.ts';
import type { JohnnyFive } from '../../../../drivers/johnny-five/load-johnny-five.ts';
import type { HobbyServoSetup } from '../../../../drivers/johnny-five/servo-setup.ts';
import { VirtualClock } from '../../../../src/common/virtual-clock.ts';
import { JOHNNY_FIVE_DRIVER_DEFAULTS } from '../../../../src/config/servo-config.ts';
import { settle } from '../../modbus/support/harness.ts';
import { StubFirmata } from './stub-firmata.ts';

export const PORT = '/dev/ttyACM0';

/**
 * A small SG90-like servo on pin 9 with the driver's defaults: 2°/mm around 0 mm (so 0 mm = 90° =
 * 1500 µs over 600..2400 µs for 0..180°), 0.1 s/60°, a write every 20 ms.
 */
export const SG90: HobbyServoSetup = { pin: 9, degreesPerMm: 2, ...JOHNNY_FIVE_DRIVER_DEFAULTS };

/** The pulse width johnny-five writes for `degrees` with the default 600..2400 µs range. */
export const pulseUs = (degrees: number): number => Math.trunc(600 + degrees * 10);

/** When the stub board reports 'connect' and 'ready' after open(), ms. */
const BOOT_MS = 5;

/**
 * One stub Arduino on PORT in virtual time, behind the real johnny-five, opened through a BoardPool
 * (ready wait 1 s). `servo()` makes a driver on it; `boards` are the johnny-five Boards made.
 * `open()` opens the pool; the board boots BOOT_MS later unless `boots` is false (a board that
 * never answers: open() gives up after the 1 s wait).
 */
export async function servoRig({ boots = true }: { readonly boots?: boolean } = {}) {
  const clock = new VirtualClock();
  const io = new StubFirmata(clock);
  const real = (await import('johnny-five')).default;
  const boards: Board[] = [];
  // The real Board, remembered so a test can make it emit; the real Servo.
  const five = {
    Board: class extends real.Board {
      constructor(boardOptions: BoardOptions) {
        super(boardOptions);
        boards.push(this);
      }
    },
    Servo: real.Servo,
  } as JohnnyFive;
  let loads = 0;
  const pool = new BoardPool(
    clock,
    async () => {
      loads++;
      return { five, openIo: () => io };
    },
    1000,
  );
  const servo = (setup: Partial<HobbyServoSetup> = {}, name = 'pan') =>
    new HobbyServoDriver({ servo: { ...SG90, ...setup }, board: pool.link(PORT), clock, name });
  const driver = servo();
  const open = async () => {
    const opening = pool.open();
    if (boots) clock.setTimer(() => io.boot(), BOOT_MS);
    await settle(clock, opening);
  };
  return { clock, io, pool, boards, driver, servo, open, loads: () => loads };
}
