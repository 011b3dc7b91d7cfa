import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/common/clock.ts';
import { ModbusExceptionError, ModbusTimeoutError, PortClosedError } from '../../protocols/errors.ts';
import { TcpMaster } from '../../protocols/tcp-master.ts';
import { TcpSlave } from '../../protocols/tcp-slave.ts';
import { mbpoll, parseMbpollValues, requireTools } from './support/external-tools.ts';
import { MemoryRegisters } from './support/memory-registers.ts';
import { logTransactionTimes } from './support/transaction-times.ts';
import { outcome } from './support/outcome.ts';

const clock = new RealClock();
const mbpollGate = requireTools('mbpoll');

describe('Modbus TCP master and slave on 127.0.0.1', () => {
  let slave: TcpSlave | undefined;
  let master: TcpMaster | undefined;
  let registers: MemoryRegisters;
  let port: number;

  beforeEach(async () => {
    registers = new MemoryRegisters([1, 2]);
    slave = new TcpSlave({ clock, handler: registers });
    ({ port } = await slave.listen());
    master = new TcpMaster({ host: '127.0.0.1', port, clock, timeoutMs: 500, reconnectBackoffMs: { initial: 50, max: 400 } });
  });

  afterEach(async () => {
    await master?.close();
    await slave?.close();
    master = slave = undefined;
  });

  it('writes registers and reads them back, unit id per call', async () => {
    await master!.writeMultipleRegisters(1, 0, [1, 2, 3, 4]);
    await master!.writeSingleRegister(2, 0, 999);
    await expect(master!.readHoldingRegisters(1, 0, 4)).resolves.toEqual([1, 2, 3, 4]);
    await expect(master!.readHoldingRegisters(2, 0, 1)).resolves.toEqual([999]);
    expect(master!.counters.transactions).toBe(4);
  });

  it('measures the transaction time over loopback', async () => {
    await logTransactionTimes(clock, 'Modbus TCP loopback, FC03 x10 registers', () => master!.readHoldingRegisters(1, 0, 10));
    expect(master!.counters.timeouts).toBe(0);
  });

  it('answers gateway exception 0x0B for a unit it does not serve', async () => {
    const failed = master!.readHoldingRegisters(7, 0, 1);
    await expect(failed).rejects.toBeInstanceOf(ModbusExceptionError);
    await expect(failed).rejects.toMatchObject({ code: 0x0b });
  });

  it('discards a late answer by its transaction id', async () => {
    registers.registers(1).set([5, 6], 0);
    registers.registers(1).set([50, 60], 10);
    slave!.setInterceptor(({ sequence }) => (sequence === 1 ? { delayMs: 150 } : undefined));
    await expect(master!.readHoldingRegisters(1, 0, 2, { deadlineMs: clock.now() + 20 })).rejects.toBeInstanceOf(ModbusTimeoutError);
    // The slave serves a connection in order: the late answer comes first, then ours.
    await expect(master!.readHoldingRegisters(1, 10, 2)).resolves.toEqual([50, 60]);
    expect(master!.counters.discardedBytes).toBe(13);
  });

  it('fails fast when the connection is lost, then reconnects on a later call after the backoff', async () => {
    await master!.readHoldingRegisters(1, 0, 1);
    slave!.setInterceptor(() => ({ dropResponse: true }));
    const inFlight = outcome(master!.readHoldingRegisters(1, 0, 1, { deadlineMs: clock.now() + 5000 }));
    await slave!.close();
    expect((await inFlight).error).toBeInstanceOf(PortClosedError);

    // Nobody listens: the first call tries and fails, the next one fails fast during the backoff.
    await expect(master!.readHoldingRegisters(1, 0, 1)).rejects.toBeInstanceOf(PortClosedError);
    const start = clock.now();
    await expect(master!.readHoldingRegisters(1, 0, 1)).rejects.toThrow(/next attempt in/);
    expect(clock.now() - start).toBeLessThan(20);

    slave = new TcpSlave({ clock, handler: registers, port });
    await slave.listen();
    await clock.sleep(60);
    await expect(master!.readHoldingRegisters(1, 0, 1)).resolves.toEqual([0]);
  });

  it('rejects every call after close()', async () => {
    await master!.close();
    await expect(master!.readHoldingRegisters(1, 0, 1)).rejects.toBeInstanceOf(PortClosedError);
  });
});

describe.skipIf(mbpollGate.skip)('mbpoll (an independent TCP master) against our TCP slave', () => {
  let slave: TcpSlave | undefined;
  let registers: MemoryRegisters;
  let port: number;

  beforeAll(() => mbpollGate.assertPresent());

  beforeEach(async () => {
    registers = new MemoryRegisters([1]);
    slave = new TcpSlave({ clock, handler: registers });
    ({ port } = await slave.listen());
  });

  afterEach(async () => {
    await slave?.close();
    slave = undefined;
  });

  it('reads the registers we hold', async () => {
    registers.registers(1).set([100, 200, 300, 400], 0);
    const run = await mbpoll({ tcpPort: port }, 1, 0, { count: 4 });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(parseMbpollValues(run.stdout)).toEqual([100, 200, 300, 400]);
  });

  it('writes registers we then hold', async () => {
    const run = await mbpoll({ tcpPort: port }, 1, 4, { values: [8, 9] });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect([...registers.registers(1).subarray(4, 6)]).toEqual([8, 9]);
  });
});
