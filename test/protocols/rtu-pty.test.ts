import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/common/clock.ts';
import { ModbusCrcError, ModbusExceptionError, ModbusTimeoutError, PortClosedError } from '../../protocols/errors.ts';
import { encodeRequest } from '../../protocols/pdu.ts';
import { encodeRtuAdu } from '../../protocols/rtu-framer.ts';
import { RtuMaster } from '../../protocols/rtu-master.ts';
import { RtuSlave } from '../../protocols/rtu-slave.ts';
import { serialPortOpener, type SerialLink } from '../../protocols/serial-link.ts';
import type { TransportFault } from '../../protocols/slave-handler.ts';
import { mbpoll, parseMbpollValues, requireTools, type ToolGate } from './support/external-tools.ts';
import { MemoryRegisters } from './support/memory-registers.ts';
import { openPtyPair, type PtyPair } from './support/pty-pair.ts';
import { logTransactionTimes } from './support/transaction-times.ts';
import { outcome } from './support/outcome.ts';

const clock = new RealClock();
const line = { baudRate: 115200, parity: 'none', stopBits: 1 } as const;
const socatGate = requireTools('socat');
const mbpollGate = requireTools('socat', 'mbpoll');

interface SlaveOnPty {
  readonly pair: PtyPair;
  readonly slave: RtuSlave;
  readonly registers: MemoryRegisters;
}

/** A pty pair with our slave (unit 1, registers 0..999) on end B. */
async function slaveOnPty(): Promise<SlaveOnPty> {
  const pair = await openPtyPair();
  const registers = new MemoryRegisters([1]);
  const slave = new RtuSlave({ ...line, path: pair.pathB, clock, handler: registers });
  await slave.open();
  return { pair, slave, registers };
}

/** For a describe block gated by `gate`: slaveOnPty before each test (in the returned object), closed after it. */
function slaveOnPtyEach(gate: ToolGate): SlaveOnPty {
  const rig = {} as SlaveOnPty;
  let opened: SlaveOnPty | undefined;
  beforeAll(() => gate.assertPresent());
  beforeEach(async () => {
    opened = await slaveOnPty();
    Object.assign(rig, opened);
  });
  afterEach(async () => {
    await opened?.slave.close();
    await opened?.pair.close();
    opened = undefined;
  });
  return rig;
}

describe.skipIf(socatGate.skip)('Modbus RTU master and slave over a socat pty pair', () => {
  const rig = slaveOnPtyEach(socatGate);
  let master: RtuMaster | undefined;

  beforeEach(async () => {
    master = new RtuMaster({ ...line, path: rig.pair.pathA, clock, slackMs: 25 });
    await master.open();
  });

  afterEach(async () => {
    await master?.close(); // before slaveOnPtyEach closes the slave and the pair
    master = undefined;
  });

  it('gives the next request its own answer after the relay stalled past a deadline (socat starved of CPU)', async () => {
    rig.registers.registers(1).set([1, 2, 3, 4], 0);
    rig.registers.registers(1).set([5, 6], 10);
    rig.pair.stall(true);
    try {
      const stale = await outcome(master!.readHoldingRegisters(1, 0, 4, { deadlineMs: clock.now() + 30 }));
      expect(stale.error).toBeInstanceOf(ModbusTimeoutError);
    } finally {
      rig.pair.stall(false);
    }
    // The stale request may still reach the slave (a pty passes on what the kernel had already
    // taken) and its answer may land inside the next transaction: its length gives it away. (An
    // answer of the very same length cannot be told apart in RTU; see RtuMaster.)
    await expect(master!.readHoldingRegisters(1, 10, 2)).resolves.toEqual([5, 6]);
    await expect(master!.readHoldingRegisters(1, 0, 4)).resolves.toEqual([1, 2, 3, 4]);
  });

  it('writes registers and reads them back', async () => {
    await master!.writeMultipleRegisters(1, 0, [11, 22, 33, 44]);
    await master!.writeSingleRegister(1, 2, 65535);
    await expect(master!.readHoldingRegisters(1, 0, 4)).resolves.toEqual([11, 22, 65535, 44]);
    expect([...rig.registers.registers(1).subarray(0, 4)]).toEqual([11, 22, 65535, 44]);
    expect(rig.slave.counters).toMatchObject({ requests: 3, responses: 3, crcErrors: 0 });
  });

  it('reads and writes the largest frames (125 registers read, 123 written)', async () => {
    const values = Array.from({ length: 123 }, (_, i) => i * 500);
    await master!.writeMultipleRegisters(1, 100, values);
    await expect(master!.readHoldingRegisters(1, 100, 125)).resolves.toEqual([...values, 0, 0]);
  });

  it('measures the transaction time over the pty', async () => {
    await logTransactionTimes(clock, 'RTU over pty, FC03 x10 registers', () => master!.readHoldingRegisters(1, 0, 10));
    expect(master!.counters).toMatchObject({ transactions: 300, timeouts: 0, crcErrors: 0 });
  });

  it('times out on a unit id nobody serves, and the slave ignores the frame', async () => {
    const failed = master!.readHoldingRegisters(5, 0, 1);
    await expect(failed).rejects.toBeInstanceOf(ModbusTimeoutError);
    expect(rig.slave.counters.ignoredOtherUnit).toBe(1);
    await expect(master!.readHoldingRegisters(1, 0, 1)).resolves.toEqual([0]);
  });

  it('answers an exception for registers outside the image', async () => {
    const failed = master!.readHoldingRegisters(1, 990, 20);
    await expect(failed).rejects.toBeInstanceOf(ModbusExceptionError);
    await expect(failed).rejects.toMatchObject({ code: 2 });
  });

  it('discards a late answer that arrives after the timeout and gives the next request its own answer', async () => {
    rig.registers.registers(1).set([1, 2, 3, 4], 0);
    rig.registers.registers(1).set([101, 102, 103, 104], 10);
    rig.slave.setInterceptor(({ sequence }): TransportFault | undefined => (sequence === 1 ? { delayMs: 150 } : undefined));
    // The drive gets its full wire budget (wire time + 50 ms slack), so no answer by then is its failure.
    const first = master!.readHoldingRegisters(1, 0, 4);
    await expect(first).rejects.toMatchObject({ isModbusTimeoutError: true, stage: 'response' });
    await clock.sleep(250); // the late answer (13 bytes) arrives while the master is idle
    await expect(master!.readHoldingRegisters(1, 10, 4)).resolves.toEqual([101, 102, 103, 104]);
    expect(master!.counters.discardedBytes).toBe(13);
  });

  it('does not take a late answer that arrives during the next transaction for its own', async () => {
    rig.registers.registers(1).set([1, 2, 3, 4], 0);
    rig.registers.registers(1).set([101, 102], 10);
    // The slave serves in order: the second request is answered right after the late first answer,
    // which lands 40 ms in, inside the second request's own wire budget (wire time + 50 ms slack).
    rig.slave.setInterceptor(({ sequence }) => (sequence === 1 ? { delayMs: 40 } : undefined));
    const first = master!.readHoldingRegisters(1, 0, 4, { deadlineMs: clock.now() + 20 });
    await expect(first).rejects.toBeInstanceOf(ModbusTimeoutError);
    await expect(master!.readHoldingRegisters(1, 10, 2, { deadlineMs: clock.now() + 1000 })).resolves.toEqual([101, 102]);
    // 13 unless a heavily loaded machine let the late answer land during the post-timeout flush.
    expect(master!.counters.discardedBytes).toBeLessThanOrEqual(13);
  });

  it('fails with ModbusCrcError on a corrupted CRC and recovers for the next request', async () => {
    rig.slave.setInterceptor(({ sequence }) => (sequence === 1 ? { corruptCrc: true } : undefined));
    await expect(master!.readHoldingRegisters(1, 0, 2)).rejects.toBeInstanceOf(ModbusCrcError);
    await expect(master!.readHoldingRegisters(1, 0, 2)).resolves.toEqual([0, 0]);
    expect(master!.counters.crcErrors).toBe(1);
  });

  it('finds the answer behind garbage bytes', async () => {
    rig.registers.registers(1)[0] = 7;
    rig.slave.setInterceptor(() => ({ garbageBefore: Uint8Array.of(0x00, 0xff, 0x13, 0x37) }));
    await expect(master!.readHoldingRegisters(1, 0, 1)).resolves.toEqual([7]);
    expect(master!.counters.discardedBytes).toBe(4);
  });

  it('times out on a dropped answer although the write was executed', async () => {
    rig.slave.setInterceptor(() => ({ dropResponse: true }));
    await expect(master!.writeSingleRegister(1, 3, 77)).rejects.toBeInstanceOf(ModbusTimeoutError);
    expect(rig.registers.registers(1)[3]).toBe(77);
  });

  it('fails the transaction in flight and later ones fast with PortClosedError when the port vanishes', async () => {
    rig.slave.setInterceptor(() => ({ dropResponse: true }));
    const inFlight = outcome(master!.readHoldingRegisters(1, 0, 1, { deadlineMs: clock.now() + 5000 }));
    const start = clock.now();
    await rig.pair.close(); // kills socat: both ptys go away
    const { error } = await inFlight;
    expect(error).toBeInstanceOf(PortClosedError);
    expect(clock.now() - start).toBeLessThan(1000);
    await expect(master!.readHoldingRegisters(1, 0, 1)).rejects.toBeInstanceOf(PortClosedError);
  });
});

describe.skipIf(socatGate.skip)('Modbus RTU slave on a pty, fed raw bytes', () => {
  const rig = slaveOnPtyEach(socatGate);
  let raw: SerialLink | undefined;
  let received: number[] = [];

  beforeEach(async () => {
    received = [];
    raw = await serialPortOpener(clock)({ ...line, path: rig.pair.pathA }, { onData: (c) => received.push(...c), onLost: () => undefined });
  });

  afterEach(async () => {
    await raw?.close(); // before slaveOnPtyEach closes the slave and the pair
    raw = undefined;
  });

  const waitForBytes = async (n: number): Promise<void> => {
    const until = clock.now() + 2000;
    while (received.length < n && clock.now() < until) await clock.sleep(2);
  };

  it('ignores a request with a bad CRC and answers the next good one at once', async () => {
    const good = encodeRtuAdu(1, encodeRequest({ kind: 'readHoldingRegisters', address: 0, count: 1 }));
    const bad = good.slice();
    bad[bad.length - 2] = bad[bad.length - 2]! ^ 0x01;
    await raw!.write(Uint8Array.from([...bad, ...good]));
    await waitForBytes(7);
    expect(received).toEqual([...encodeRtuAdu(1, Uint8Array.of(0x03, 2, 0, 0))]);
    expect(rig.slave.counters).toMatchObject({ crcErrors: 1, requests: 1, responses: 1 });
  });

  it('answers illegal function for a function it does not implement', async () => {
    await raw!.write(encodeRtuAdu(1, Uint8Array.of(0x04, 0, 0, 0, 1)));
    await waitForBytes(5);
    expect(received).toEqual([...encodeRtuAdu(1, Uint8Array.of(0x84, 0x01))]);
  });

  it('executes a broadcast write without answering', async () => {
    await raw!.write(encodeRtuAdu(0, encodeRequest({ kind: 'writeSingleRegister', address: 4, value: 9 })));
    await raw!.write(encodeRtuAdu(1, encodeRequest({ kind: 'readHoldingRegisters', address: 4, count: 1 })));
    await waitForBytes(7);
    expect(received).toEqual([...encodeRtuAdu(1, Uint8Array.of(0x03, 2, 0, 9))]);
    expect(rig.slave.counters.broadcasts).toBe(1);
  });
});

describe.skipIf(mbpollGate.skip)('mbpoll (an independent RTU master) against our RTU slave', () => {
  const rig = slaveOnPtyEach(mbpollGate);

  it('reads the registers we hold (mbpoll -r is 1-based)', async () => {
    rig.registers.registers(1).set([100, 200, 300, 400], 0);
    const run = await mbpoll({ device: rig.pair.pathA }, 1, 0, { count: 4 });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(parseMbpollValues(run.stdout)).toEqual([100, 200, 300, 400]);
  });

  it('writes registers we then hold', async () => {
    const run = await mbpoll({ device: rig.pair.pathA }, 1, 10, { values: [5, 6, 7] });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect([...rig.registers.registers(1).subarray(10, 13)]).toEqual([5, 6, 7]);
  });

  it('gets no answer for a unit we do not serve', async () => {
    const run = await mbpoll({ device: rig.pair.pathA }, 9, 0, { count: 1 }, ['-o', '0.2']);
    expect(run.code).not.toBe(0);
    expect(rig.slave.counters.ignoredOtherUnit).toBeGreaterThanOrEqual(1);
  });
});
