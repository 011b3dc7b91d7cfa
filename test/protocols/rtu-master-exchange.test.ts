import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { isModbusTimeoutError } from '../../protocols/errors.ts';
import { encodeReply } from '../../protocols/pdu.ts';
import { encodeRtuAdu } from '../../protocols/rtu-framer.ts';
import { RtuMaster, type RtuExchange } from '../../protocols/rtu-master.ts';
import { FakeSerialLine } from './support/fake-serial-line.ts';

/** A master at 9600 baud, 8E1 (1.1458 ms a character), 50 ms slack, with every exchange it reports. */
async function setup(): Promise<{ clock: VirtualClock; line: FakeSerialLine; master: RtuMaster; exchanges: RtuExchange[] }> {
  const clock = new VirtualClock();
  const line = new FakeSerialLine();
  const master = new RtuMaster({ path: '/dev/fake', baudRate: 9600, clock, slackMs: 50, openLink: line.opener });
  await master.open();
  const exchanges: RtuExchange[] = [];
  master.onExchange((e) => exchanges.push(e));
  return { clock, line, master, exchanges };
}

describe('RtuMaster.onExchange', () => {
  it('reports an answered request with the instant its bytes went to the link and when its answer was due', async () => {
    const { clock, line, master, exchanges } = await setup();
    await clock.advanceTo(5);
    line.onWrite = () =>
      clock.setTimer(() => line.receive(encodeRtuAdu(1, encodeReply({ kind: 'writeSingleRegister', address: 0, value: 4 }))), 3);
    const write = master.writeSingleRegister(1, 0, 4);
    await clock.advanceTo(8);
    await write;
    // request 8 bytes + answer 8 bytes = 16 characters = 18.33 ms, + 50 ms slack
    expect(exchanges).toEqual([
      {
        unitId: 1,
        request: { kind: 'writeSingleRegister', address: 0, value: 4 },
        sentAtMs: 5,
        dueAtMs: expect.closeTo(73.33, 2),
        error: undefined,
      },
    ]);
  });

  it('reports a request that got no answer at its due time, the caller deadline when that comes first', async () => {
    const { clock, master, exchanges } = await setup();
    const read = master.readHoldingRegisters(1, 0, 4, { deadlineMs: 20 }).catch((error: unknown) => error);
    await clock.advanceTo(20);
    expect(isModbusTimeoutError(await read)).toBe(true);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({
      unitId: 1,
      request: { kind: 'readHoldingRegisters', address: 0, count: 4 },
      sentAtMs: 0,
      dueAtMs: 20,
    });
    expect(isModbusTimeoutError(exchanges[0]!.error)).toBe(true);
  });

  it('reports nothing for a request that never reached the wire', async () => {
    const { master, exchanges } = await setup();
    await master.close();
    await expect(master.readHoldingRegisters(1, 0, 4)).rejects.toThrow();
    expect(exchanges).toEqual([]);
  });
});
