import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { ModbusCrcError, ModbusExceptionError, ModbusTimeoutError, PortClosedError, isModbusTimeoutError } from '../../protocols/errors.ts';
import { encodeReply } from '../../protocols/pdu.ts';
import { encodeRtuAdu } from '../../protocols/rtu-framer.ts';
import { BusScheduler } from '../../protocols/bus-scheduler.ts';
import { RtuMaster } from '../../protocols/rtu-master.ts';
import { FakeSerialLine } from './support/fake-serial-line.ts';
import { outcome } from './support/outcome.ts';

const answer = (unitId: number, values: number[]): Uint8Array =>
  encodeRtuAdu(unitId, encodeReply({ kind: 'readHoldingRegisters', values }));

async function setup(): Promise<{ clock: VirtualClock; line: FakeSerialLine; master: RtuMaster }> {
  const clock = new VirtualClock();
  const line = new FakeSerialLine();
  // 9600 baud, even parity, 1 stop bit: 11 bits, 1.1458 ms per character.
  const master = new RtuMaster({ path: '/dev/fake', baudRate: 9600, clock, slackMs: 50, openLink: line.opener });
  await master.open();
  return { clock, line, master };
}

/** A first read of unit 1 (`count` registers, 10 ms deadline) that has timed out by `atMs`. */
async function firstReadTimedOut(clock: VirtualClock, master: RtuMaster, count: number, atMs: number): Promise<void> {
  const first = outcome(master.readHoldingRegisters(1, 0, count, { deadlineMs: 10 }));
  await clock.advanceTo(atMs);
  expect(isModbusTimeoutError((await first).error)).toBe(true);
}

describe('RtuMaster', () => {
  it('reads holding registers and counts the transaction', async () => {
    const { line, master } = await setup();
    line.onWrite = () => queueMicrotask(() => line.receive(answer(1, [10, 20])));
    await expect(master.readHoldingRegisters(1, 0, 2)).resolves.toEqual([10, 20]);
    expect(line.written).toEqual([encodeRtuAdu(1, Uint8Array.of(0x03, 0, 0, 0, 2))]);
    expect(master.counters).toMatchObject({ transactions: 1, timeouts: 0 });
  });

  it('sends each read as its own request, the same read the same bytes, and refuses a read out of range whatever came before', async () => {
    const { line, master } = await setup();
    line.onWrite = (bytes) => {
      const count = bytes[5]!;
      queueMicrotask(() =>
        line.receive(
          answer(
            bytes[0]!,
            Array.from({ length: count }, (_, i) => i),
          ),
        ),
      );
    };
    await master.readHoldingRegisters(1, 0x0100, 44);
    await master.readHoldingRegisters(2, 0x0100, 44);
    await master.readHoldingRegisters(1, 0x0100, 44);
    await master.readHoldingRegisters(1, 0x0101, 44);
    expect(line.written).toEqual([
      encodeRtuAdu(1, Uint8Array.of(0x03, 0x01, 0x00, 0, 44)),
      encodeRtuAdu(2, Uint8Array.of(0x03, 0x01, 0x00, 0, 44)),
      encodeRtuAdu(1, Uint8Array.of(0x03, 0x01, 0x00, 0, 44)),
      encodeRtuAdu(1, Uint8Array.of(0x03, 0x01, 0x01, 0, 44)),
    ]);
    // 0x0100 + 300 registers would share a key with 0x0101 + 44 if keys were not kept to valid reads.
    await expect(master.readHoldingRegisters(1, 0x0100, 300)).rejects.toThrow(RangeError);
    await expect(master.readHoldingRegisters(1, 0x0101, 1.5)).rejects.toThrow(RangeError);
    expect(line.written).toHaveLength(4);
  });

  it('times out at the wire time of request and answer plus the slack', async () => {
    const { clock, master } = await setup();
    const result = outcome(master.readHoldingRegisters(1, 0, 4));
    // request 8 bytes + answer 13 bytes = 21 characters = 24.06 ms, + 50 ms slack
    await clock.advanceTo(74);
    let settled = false;
    void result.then(() => (settled = true));
    await clock.advanceTo(74);
    expect(settled).toBe(false);
    await clock.advanceTo(75);
    const { error } = await result;
    expect(error).toBeInstanceOf(ModbusTimeoutError);
    expect((error as ModbusTimeoutError).stage).toBe('response');
    expect(master.counters.timeouts).toBe(1);
  });

  it('holds the line for one wire budget on a dead unit even when the caller would wait longer', async () => {
    const { clock, master } = await setup();
    const result = outcome(master.readHoldingRegisters(1, 0, 4, { deadlineMs: 1000 }));
    // The caller allows 1000 ms, but the answer is due within 24.06 ms of wire time + 50 ms slack.
    await clock.advanceTo(75);
    const { error } = await result;
    expect(error).toBeInstanceOf(ModbusTimeoutError);
    expect(clock.now()).toBeLessThan(1000);
  });

  it('after a timeout, waits until the line has been silent for 3.5 characters, discarding what comes meanwhile', async () => {
    const { clock, line, master } = await setup();
    await firstReadTimedOut(clock, master, 4, 10);
    line.onWrite = () => queueMicrotask(() => line.receive(answer(1, [5])));
    const second = master.readHoldingRegisters(1, 100, 1);
    await clock.advanceTo(12);
    line.receive(Uint8Array.of(0x01, 0x03)); // the head of a late answer: the silence starts again
    await clock.advanceTo(15.9);
    expect(line.written).toHaveLength(1); // 3.5 characters at 9600 baud: 4.01 ms after the last byte
    await clock.advanceTo(16.1);
    await expect(second).resolves.toEqual([5]);
    expect(master.counters.discardedBytes).toBe(2);
  });

  it('says the line is settling after a failure until it has been silent, and not after a good answer', async () => {
    const { clock, line, master } = await setup();
    line.onWrite = () => queueMicrotask(() => line.receive(answer(1, [3])));
    await master.readHoldingRegisters(1, 0, 1);
    expect(master.lineSettled()).toBeUndefined();
    line.onWrite = undefined;
    await firstReadTimedOut(clock, master, 4, 10);
    const settling = master.lineSettled();
    expect(settling).toBeInstanceOf(Promise);
    let settledAtMs: number | undefined;
    void settling!.then(() => (settledAtMs = clock.now()));
    await clock.advanceTo(20);
    expect(settledAtMs).toBeGreaterThanOrEqual(10 + 4.01 - 0.01); // 3.5 characters after the failure
    expect(master.lineSettled()).toBeUndefined();
  });

  it('under a bus scheduler, the next item gets the bus only once the line has settled: the port never queues a call', async () => {
    const { clock, line, master } = await setup();
    const bus = new BusScheduler(clock, () => master.lineSettled());
    const failing = outcome(bus.submit('poll', 10, (deadlineMs) => master.readHoldingRegisters(1, 0, 4, { deadlineMs })));
    const next = bus.submit('poll', 200, (deadlineMs) => {
      line.onWrite = () => queueMicrotask(() => line.receive(answer(2, [6])));
      return master.readHoldingRegisters(2, 0, 1, { deadlineMs });
    });
    await clock.advanceTo(12);
    expect((await failing).error).toBeInstanceOf(ModbusTimeoutError);
    line.receive(Uint8Array.of(0x01, 0x03)); // bytes of the late answer: the silence starts again
    await clock.advanceTo(15.9);
    expect(bus.busy).toBe(true);
    expect(line.written).toHaveLength(1);
    await clock.advanceTo(16.1);
    await expect(next).resolves.toEqual([6]);
    expect(bus.counters.poll.maxWaitMs).toBeGreaterThan(16);
    expect(master.counters.queueTimeouts).toBe(0);
  });

  it('discards a late answer that arrives between transactions', async () => {
    const { clock, line, master } = await setup();
    await firstReadTimedOut(clock, master, 2, 20);
    line.receive(answer(1, [111, 222])); // the late answer to the first request
    line.onWrite = () => queueMicrotask(() => line.receive(answer(1, [7, 8])));
    await expect(master.readHoldingRegisters(1, 50, 2)).resolves.toEqual([7, 8]);
    expect(master.counters.discardedBytes).toBe(9);
  });

  it('does not take a late answer of another shape that arrives during the next transaction', async () => {
    const { clock, line, master } = await setup();
    await firstReadTimedOut(clock, master, 4, 20);
    line.onWrite = () =>
      queueMicrotask(() => {
        line.receive(answer(1, [1, 2, 3, 4])); // late answer to the first request
        line.receive(answer(1, [9, 9]));
      });
    await expect(master.readHoldingRegisters(1, 50, 2)).resolves.toEqual([9, 9]);
    expect(master.counters.discardedBytes).toBe(13);
  });

  it('fails with ModbusCrcError as soon as a complete answer has a bad CRC', async () => {
    const { line, master } = await setup();
    const bad = answer(1, [1, 2]);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x55;
    line.onWrite = () => queueMicrotask(() => line.receive(bad));
    await expect(master.readHoldingRegisters(1, 0, 2)).rejects.toBeInstanceOf(ModbusCrcError);
    expect(master.counters.crcErrors).toBe(1);
  });

  it('turns an exception answer into ModbusExceptionError with its code', async () => {
    const { line, master } = await setup();
    line.onWrite = () => queueMicrotask(() => line.receive(encodeRtuAdu(1, Uint8Array.of(0x90, 0x02))));
    const failed = master.writeMultipleRegisters(1, 9000, [1]);
    await expect(failed).rejects.toBeInstanceOf(ModbusExceptionError);
    await expect(failed).rejects.toMatchObject({ code: 2, functionCode: 0x10 });
    expect(master.counters.exceptions).toBe(1);
  });

  it('runs one transaction at a time, in call order', async () => {
    const { line, master } = await setup();
    const answers = [answer(1, [1]), answer(2, [2])];
    line.onWrite = () => {
      const next = answers.shift()!;
      queueMicrotask(() => line.receive(next));
    };
    const a = master.readHoldingRegisters(1, 0, 1);
    const b = master.readHoldingRegisters(2, 0, 1);
    expect(line.written).toHaveLength(1); // b waits for the port until a is answered
    await expect(Promise.all([a, b])).resolves.toEqual([[1], [2]]);
    expect(line.written.map((w) => w[0])).toEqual([1, 2]);
  });

  it('rejects a call whose deadline passes while it waits for the port without sending it', async () => {
    const { clock, line, master } = await setup();
    const busy = outcome(master.readHoldingRegisters(1, 0, 1, { deadlineMs: 30 }));
    const waiting = outcome(master.readHoldingRegisters(2, 0, 1, { deadlineMs: 20 }));
    await clock.advanceTo(40);
    expect((await waiting).error).toMatchObject({ isModbusTimeoutError: true, stage: 'queue' });
    // Its 30 ms deadline gave the drive less than its 70.6 ms wire budget: no verdict on the drive.
    expect((await busy).error).toMatchObject({ isModbusTimeoutError: true, stage: 'own_delay' });
    expect(line.written).toHaveLength(1);
    expect(master.counters.queueTimeouts).toBe(1);
  });

  it("judges a drive that had its full wire budget by its answer: 'response' when none came", async () => {
    const { clock, master } = await setup();
    const result = outcome(master.readHoldingRegisters(1, 0, 4, { deadlineMs: 1000 }));
    await clock.advanceTo(75);
    expect((await result).error).toMatchObject({ stage: 'response', message: 'unit 1: no answer by the deadline' });
    expect(master.counters).toMatchObject({ timeouts: 1, ownDelayTimeouts: 0 });
  });

  it("gives no verdict ('own_delay') on a deadline judged while the process itself was held up", async () => {
    const inner = new VirtualClock();
    // The process is held up from 70 ms to 100 ms: the deadline timer (74.06 ms) runs at 100 ms.
    const heldUpNow = () => (inner.now() >= 70 && inner.now() < 100 ? 100 : inner.now());
    const clock = Object.assign(Object.create(inner) as VirtualClock, { now: heldUpNow });
    const line = new FakeSerialLine();
    const master = new RtuMaster({ path: '/dev/fake', baudRate: 9600, clock, slackMs: 50, openLink: line.opener });
    await master.open();
    const result = outcome(master.readHoldingRegisters(1, 0, 4));
    await inner.advanceTo(75);
    const { error } = await result;
    expect(error).toMatchObject({ stage: 'own_delay' });
    expect((error as Error).message).toMatch(/judged 26 ms late: the supervisor was held up/);
    expect(master.counters).toMatchObject({ timeouts: 1, ownDelayTimeouts: 1 });
  });

  it('fails the transaction in flight and every later one fast when the port is lost, until reopen()', async () => {
    const { line, master } = await setup();
    const inFlight = master.readHoldingRegisters(1, 0, 1);
    line.unplug();
    await expect(inFlight).rejects.toBeInstanceOf(PortClosedError);
    await expect(master.readHoldingRegisters(1, 0, 1)).rejects.toBeInstanceOf(PortClosedError);
    expect(master.isOpen).toBe(false);
    await master.reopen();
    line.onWrite = () => queueMicrotask(() => line.receive(answer(1, [42])));
    await expect(master.readHoldingRegisters(1, 0, 1)).resolves.toEqual([42]);
    expect(line.opens).toBe(2);
  });

  it('tells subscribers that the port was lost', async () => {
    const { line, master } = await setup();
    const seen: string[] = [];
    master.onPortLost((error) => seen.push(error.name));
    line.unplug();
    expect(seen).toEqual(['PortClosedError']);
  });

  it('refuses unit ids outside 1..247 and bad counts as programming errors', async () => {
    const { master } = await setup();
    await expect(master.readHoldingRegisters(0, 0, 1)).rejects.toBeInstanceOf(RangeError);
    await expect(master.readHoldingRegisters(248, 0, 1)).rejects.toBeInstanceOf(RangeError);
    await expect(master.readHoldingRegisters(1, 0, 126)).rejects.toBeInstanceOf(RangeError);
    await expect(master.writeMultipleRegisters(1, 0, [])).rejects.toBeInstanceOf(RangeError);
  });

  it('fails fast with PortClosedError before open()', async () => {
    const master = new RtuMaster({ path: '/dev/fake', baudRate: 9600, clock: new VirtualClock(), openLink: new FakeSerialLine().opener });
    await expect(master.readHoldingRegisters(1, 0, 1)).rejects.toBeInstanceOf(PortClosedError);
  });
});
