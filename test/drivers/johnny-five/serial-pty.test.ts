import { afterEach, describe, expect, it } from 'vitest';
import { BoardPool } from '../../../drivers/johnny-five/board-pool.ts';
import { HobbyServoDriver } from '../../../drivers/johnny-five/hobby-servo-driver.ts';
import { loadJohnnyFive } from '../../../drivers/johnny-five/load-johnny-five.ts';
import { RealClock } from '../../../src/common/clock.ts';
import { requireTools } from '../../protocols/support/external-tools.ts';
import { ptyPairEach } from '../../support/sim-over-pty.ts';
import { skipWithoutJohnnyFive } from './support/johnny-five-gate.ts';
import { SG90 } from './support/servo-rig.ts';

const socatGate = requireTools('socat');
const clock = new RealClock();

describe.skipIf(socatGate.skip || skipWithoutJohnnyFive)(
  'a hobby servo on a real serial port (socat pty; real johnny-five, Firmata and serialport 8)',
  () => {
    const openPair = ptyPairEach(socatGate);
    let pool: BoardPool | undefined;

    afterEach(async () => {
      await pool?.close(); // before ptyPairEach closes the pair
    });

    it('times out at the deadline while no Firmata answers, and fails with port_lost once the port vanishes', async () => {
      const pair = await openPair();
      pool = new BoardPool(clock, loadJohnnyFive, 300);
      const driver = new HobbyServoDriver({ servo: SG90, board: pool.link(pair.pathA), clock, name: 'pan' });
      await pool.open(); // the port opens ('connect'), but nothing on the other end speaks Firmata: never 'ready'

      const sentAt = clock.now();
      const late: unknown = await driver.readStatus({ deadlineMs: sentAt + 50 }).catch((e: unknown) => e);
      expect(late).toMatchObject({ reason: 'timeout' });
      expect((late as Error).message).toMatch(/not ready \(connecting\)/);
      expect(clock.now() - sentAt).toBeGreaterThanOrEqual(49);

      await pair.close(); // the USB cable is pulled
      let lost: unknown;
      for (let i = 0; i < 40 && !lost; i++) {
        const error: unknown = await driver.readStatus({ deadlineMs: clock.now() + 50 }).catch((e: unknown) => e);
        if ((error as { reason?: string }).reason === 'port_lost') lost = error;
      }
      expect(lost).toMatchObject({ reason: 'port_lost' });
      expect((lost as Error).message).toMatch(/IO plugin 'close'/);
    });
  },
);
