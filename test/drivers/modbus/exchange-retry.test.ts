import { describe, expect, it } from 'vitest';
import { DriveCommError } from '../../../drivers/errors.ts';
import { ModbusCrcError, ModbusExceptionError, ModbusGarbledError } from '../../../protocols/errors.ts';
import type { FakeFault, Transaction } from './support/fake-master.ts';
import { by, bus, compact, rejection, value } from './support/harness.ts';

/** kpower-generic: control word 0x0000, status block from 0x0001, target 0x0002, speed 0x0004. */
const CONTROL_WORD = 0x0000;
const READY_ENABLED = 0x03;

/** Fails the first exchange `matches` picks with `fault`, then lets everything through. */
function failOnce(matches: (t: Transaction) => boolean, fault: FakeFault): (t: Transaction) => FakeFault | undefined {
  let done = false;
  return (t) => {
    if (done || !matches(t)) return undefined;
    done = true;
    return fault;
  };
}

const crc: FakeFault = { kind: 'reject', error: new ModbusCrcError('bad CRC') };
const isRead = (t: Transaction) => t.fc === 3;

describe('ModbusAxisDriver retries (maxRetries 1)', () => {
  it('reads again after a corrupt answer, and the call succeeds with the retry counted', async () => {
    const { clock, master, driver } = await bus('kpower-generic', { maxRetries: 1 });
    master.faultFor = failOnce(isRead, crc);
    await value(clock, driver.readStatus(by(clock, 20)));
    expect(master.log.filter(isRead)).toHaveLength(2);
    expect(driver.link.retries).toEqual({ crc: 1, garbled: 0, timeout: 0 });
  });

  it('reads again after a garbled answer when the deadline still covers a whole exchange', async () => {
    const { clock, master, driver } = await bus('kpower-generic', { maxRetries: 1, latencyMs: 2 });
    // The fake master's exchange budget is twice its latency: 4 ms, and the answer came at 2 ms of 20.
    master.faultFor = failOnce(isRead, { kind: 'reject', error: new ModbusGarbledError('garbled') });
    await value(clock, driver.readStatus(by(clock, 20)));
    expect(driver.link.retries.garbled).toBe(1);
  });

  it('does not retry when the deadline no longer covers the exchange', async () => {
    const { clock, master, driver } = await bus('kpower-generic', { maxRetries: 1, latencyMs: 2 });
    master.faultFor = failOnce(isRead, crc);
    // The corrupt answer comes at 2 ms; a retry needs 4 ms more, past the 5 ms deadline.
    const { error } = await rejection(clock, driver.readStatus(by(clock, 5)));
    expect(error).toBeInstanceOf(DriveCommError);
    expect(error).toMatchObject({ reason: 'crc' });
    expect(master.log.filter(isRead)).toHaveLength(1);
    expect(driver.link.retries.crc).toBe(0);
  });

  it('never retries a refusal (Modbus exception)', async () => {
    const { clock, master, driver } = await bus('kpower-generic', { maxRetries: 3 });
    master.faultFor = failOnce(isRead, { kind: 'reject', error: new ModbusExceptionError(3, 2) });
    const { error } = await rejection(clock, driver.readStatus(by(clock, 50)));
    expect(error).toMatchObject({ reason: 'exception' });
    expect(master.log.filter(isRead)).toHaveLength(1);
  });

  it('writes the target again after a corrupt echo, but never the control-word edge', async () => {
    const { clock, master, driver, regs } = await bus('kpower-generic', { maxRetries: 1 });
    regs[1] = READY_ENABLED;
    const isSetpointWrite = (t: Transaction) => t.fc !== 3 && t.address !== CONTROL_WORD;
    master.faultFor = failOnce(isSetpointWrite, crc);
    await value(clock, driver.moveTo({ targetMm: 10, speedMmPerS: 50 }, by(clock, 40)));
    const setpointWrites = master.log.filter(isSetpointWrite);
    expect(setpointWrites).toHaveLength(2);
    expect(compact(setpointWrites)[0]).toBe(compact(setpointWrites)[1]);

    const isEdge = (t: Transaction) => t.fc !== 3 && t.address === CONTROL_WORD;
    const edgesBefore = master.log.filter(isEdge).length;
    master.faultFor = failOnce(isEdge, crc);
    const { error } = await rejection(clock, driver.moveTo({ targetMm: 20, speedMmPerS: 50 }, by(clock, 40)));
    expect(error).toMatchObject({ reason: 'crc' });
    expect(master.log.filter(isEdge).length - edgesBefore).toBe(1);
    expect(driver.link.retries.crc).toBe(1);
  });

  it('sends every exchange once with retries off', async () => {
    const { clock, master, driver } = await bus('kpower-generic');
    master.faultFor = failOnce(isRead, crc);
    await rejection(clock, driver.readStatus(by(clock, 20)));
    expect(master.log.filter(isRead)).toHaveLength(1);
  });
});
