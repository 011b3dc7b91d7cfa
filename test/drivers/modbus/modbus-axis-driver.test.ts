import { describe, expect, it } from 'vitest';
import { CancelledError, DriveCommError, DriveFaultError } from '../../../drivers/errors.ts';
import { ModbusCrcError, ModbusGarbledError, ModbusTimeoutError } from '../../../protocols/errors.ts';
import { moveExchanges } from '../../../drivers/modbus/move-exchanges.ts';
import { statusBlockSpan } from '../../../protocols/profile-schema.ts';
import { put32 } from './support/drive-registers.ts';
import { by, bus, compact, rejection, settle, value } from './support/harness.ts';

/** kpower-generic: control 0x0000, status 0x0001, target 0x0002, speed 0x0004, actual 0x0006, velocity 0x0008, following error 0x000A, alarm 0x000C, comm-loss 0x0010. */
const KP = { cw: 0x0000, sw: 0x0001, target: 0x0002, actual: 0x0006, velocity: 0x0008, followingError: 0x000a, alarm: 0x000c } as const;
/** Status bits: ready 0, enabled 1, moving 2, targetReached 3, holding 4, alarm 7. Control bits: enable 0, start 1, hold 2, alarmReset 7. */
const READY = 0x01;
const ENABLED = 0x02;
const ALARM = 0x80;

// The AxisDriver contract's own cases (timeouts, bad arguments, moveTo while disabled, close) are in test/conformance.
describe('ModbusAxisDriver (bits style, kpower-generic)', () => {
  it('reads a status sample with exactly one FC03 of the status block', async () => {
    const { clock, regs, master, driver } = await bus('kpower-generic');
    regs[KP.sw] = READY | ENABLED | 0x04;
    put32(regs, KP.actual, 123_456, 'high_first');
    put32(regs, KP.target, 200_000, 'high_first');
    put32(regs, KP.velocity, -5_000, 'high_first');
    put32(regs, KP.followingError, -250, 'high_first');
    const status = await value(clock, driver.readStatus(by(clock, 20)));
    expect(compact(master.log)).toEqual(['u1 R 0x0001x12']);
    expect(status).toEqual({
      positionMm: 123.456,
      targetMm: 200,
      velocityMmPerS: -5,
      followingErrorMm: -0.25,
      alarmCode: 0,
      enabled: true,
      ready: true,
      moving: true,
      holding: false,
      targetReached: false,
    });
    expect(driver.family).toBe('modbus-rtu');
  });

  it('reads at probe priority when asked to', async () => {
    const { clock, scheduler, driver } = await bus('kpower-generic');
    await value(clock, driver.readStatus({ ...by(clock, 20), purpose: 'probe' }));
    expect(scheduler.counters.probe.started).toBe(1);
    expect(scheduler.counters.poll.started).toBe(0);
  });

  it('on a shared bus, a probe queued first still goes on the wire after a poll (hold, commands, polls, then probes)', async () => {
    const { clock, master, driver, driverFor } = await bus('kpower-generic', { latencyMs: 2 });
    const busy = driverFor(2).readStatus(by(clock, 50)); // occupies the bus, so the next two queue
    const probe = driver.readStatus({ ...by(clock, 50), purpose: 'probe' });
    const poll = driverFor(2).readStatus(by(clock, 50));
    await value(clock, Promise.all([busy, probe, poll]));
    expect(compact(master.log)).toEqual(['u2 R 0x0001x12', 'u2 R 0x0001x12', 'u1 R 0x0001x12']);
  });

  it('enables by writing the comm-loss timeout first and the actual position as target', async () => {
    const { clock, regs, master, driver } = await bus('kpower-generic');
    regs[KP.sw] = READY;
    put32(regs, KP.actual, 70_000, 'high_first');
    put32(regs, KP.target, 5, 'high_first');
    await value(clock, driver.enable(by(clock, 50)));
    expect(compact(master.log)).toEqual([
      'u1 W 0x0010=0x0064', // comm-loss timeout 100 ms
      'u1 R 0x0001x12', // actual position
      'u1 W 0x0002=0x0001,0x1170', // target = actual (70000), high word first
      'u1 R 0x0000x1', // the control word, read back once to seed the shadow
      'u1 W 0x0000=0x0001', // enable
    ]);
  });

  it('makes, from its second move on, exactly the exchanges moveExchanges lists for the config timing checks', async () => {
    const { clock, regs, master, driver, profile } = await bus('kpower-generic');
    regs[KP.cw] = 0x0001;
    regs[KP.sw] = READY | ENABLED;
    // The first move also reads the control word back once, to seed its shadow.
    await value(clock, driver.moveTo({ targetMm: 12.5, speedMmPerS: 50 }, by(clock, 50)));
    const second = master.log.length;
    await value(clock, driver.moveTo({ targetMm: -1, speedMmPerS: 50 }, by(clock, 50)));
    const made = master.log.slice(second).map((t) => ({ kind: t.fc === 3 ? 'read' : 'write', registers: t.count }));
    expect(made).toEqual(moveExchanges(profile, statusBlockSpan(profile.registers)!.count));
  });

  it('writes target and speed in one FC16, then raises the start edge; the next move drops it first', async () => {
    const { clock, regs, master, driver } = await bus('kpower-generic');
    regs[KP.cw] = 0x0001;
    regs[KP.sw] = READY | ENABLED;
    await value(clock, driver.moveTo({ targetMm: 12.5, speedMmPerS: 50 }, by(clock, 50)));
    await value(clock, driver.moveTo({ targetMm: -1, speedMmPerS: 50 }, by(clock, 50)));
    expect(master.writes()).toEqual([
      '0x0002:0x0000,0x30D4,0x0000,0xC350', // 12500 counts, 50000 counts/s
      '0x0000:0x0003', // enable + start
      '0x0002:0xFFFF,0xFC18,0x0000,0xC350', // -1000 counts
      '0x0000:0x0001', // start dropped
      '0x0000:0x0003', // start raised again
    ]);
  });

  it('sends a hold at priority hold, ahead of polls already queued', async () => {
    const { clock, master, scheduler, driver, driverFor } = await bus('kpower-generic', { latencyMs: 2 });
    const other = driverFor(2);
    const polls = [driver, other, driver, other].map((d) => d.readStatus(by(clock, 100)));
    const hold = driver.hold(by(clock, 100));
    await value(clock, Promise.all([...polls, hold]));
    expect(compact(master.log)).toEqual([
      'u1 R 0x0001x12', // already on the wire
      'u1 R 0x0000x1', // hold: control word read back (first write only)
      'u1 W 0x0000=0x0004', // hold bit
      // Then the polls by urgency: unit 2 has not heard from the master yet, unit 1 just did.
      'u2 R 0x0001x12',
      'u2 R 0x0001x12',
      'u1 R 0x0001x12',
    ]);
    expect(scheduler.counters.hold.started).toBe(1);
  });

  it('abandons a move when a hold comes first, so the start edge never releases the hold', async () => {
    const { clock, regs, master, driver } = await bus('kpower-generic');
    regs[KP.cw] = 0x0001;
    regs[KP.sw] = READY | ENABLED;
    const move = driver.moveTo({ targetMm: 100, speedMmPerS: 50 }, by(clock, 50));
    const hold = driver.hold(by(clock, 50));
    const { error } = await rejection(clock, move);
    await value(clock, hold);
    expect(error).toBeInstanceOf(CancelledError);
    expect(master.writes()).toEqual(['0x0000:0x0005']); // enable + hold, nothing else
  });

  it('refuses moveTo with DriveFaultError and writes nothing while an alarm is latched', async () => {
    const { clock, regs, master, driver } = await bus('kpower-generic');
    regs[KP.sw] = ENABLED | ALARM;
    regs[KP.alarm] = 33;
    const { error } = await rejection(clock, driver.moveTo({ targetMm: 10, speedMmPerS: 50 }, by(clock, 50)));
    expect(error).toBeInstanceOf(DriveFaultError);
    expect(error).toMatchObject({ alarmCode: 33 });
    expect(master.writes()).toEqual([]);
    await expect(value(clock, driver.readStatus(by(clock, 20)))).resolves.toMatchObject({ alarmCode: 33, ready: false });
  });

  it('says why a moveTo on a disabled drive was refused (the refusal itself is a conformance case)', async () => {
    const { clock, regs, driver } = await bus('kpower-generic');
    regs[KP.sw] = READY;
    const { error } = await rejection(clock, driver.moveTo({ targetMm: 10, speedMmPerS: 50 }, by(clock, 50)));
    expect(error).toMatchObject({ message: expect.stringMatching(/power stage disabled/) });
  });

  it('resets an alarm with a rising edge of the reset bit and leaves the stage off', async () => {
    const { clock, regs, registers, master, driver } = await bus('kpower-generic');
    regs[KP.cw] = 0x0001;
    regs[KP.sw] = ALARM;
    regs[KP.alarm] = 12;
    registers.onWrite = (_unit, address, values) => {
      if (address === KP.cw && (values[0]! & 0x80) !== 0)
        clock.setTimer(() => {
          regs[KP.sw] = READY;
          regs[KP.alarm] = 0;
        }, 3);
    };
    await value(clock, driver.resetAlarm(by(clock, 50)));
    expect(master.writes()).toEqual(['0x0000:0x0080']);
    expect(master.log.filter((t) => t.fc === 3 && t.address === KP.sw).length).toBeGreaterThan(1); // re-read until cleared
  });

  it('rejects resetAlarm with DriveFaultError, before the deadline, when the alarm stays', async () => {
    const { clock, regs, driver } = await bus('kpower-generic');
    regs[KP.sw] = ALARM;
    regs[KP.alarm] = 12;
    const { error, atMs } = await rejection(clock, driver.resetAlarm({ deadlineMs: 30 }));
    expect(error).toBeInstanceOf(DriveFaultError);
    expect(error).toMatchObject({ alarmCode: 12 });
    expect(atMs).toBeLessThan(30);
  });

  it('re-reads the control word after a failed write instead of trusting its shadow', async () => {
    const { clock, regs, master, driver } = await bus('kpower-generic');
    regs[KP.cw] = 0x0001;
    master.faultFor = (t) => (t.fc === 6 ? { kind: 'silent' } : undefined);
    await rejection(clock, driver.hold(by(clock, 10)));
    master.faultFor = undefined;
    await value(clock, driver.hold(by(clock, 10)));
    expect(compact(master.log).filter((line) => line.includes('R 0x0000'))).toHaveLength(2);
  });
});

describe('ModbusAxisDriver errors', () => {
  it('maps an exception response to DriveCommError exception, keeping the code', async () => {
    const { clock, driver } = await bus('kpower-generic', { registers: 8 }); // the status block ends at 0x000C
    const { error } = await rejection(clock, driver.readStatus(by(clock, 20)));
    expect(error).toBeInstanceOf(DriveCommError);
    expect(error).toMatchObject({
      reason: 'exception',
      message: expect.stringMatching(/axis-X \(unit 1\): readStatus: Modbus exception 2 \(illegal data address\) to function 0x03/),
    });
  });

  it('maps a closed port or scheduler to port_lost', async () => {
    const first = await bus('kpower-generic');
    await first.master.close();
    await expect(rejection(first.clock, first.driver.readStatus(by(first.clock, 20)))).resolves.toMatchObject({
      error: { reason: 'port_lost' },
    });
    const second = await bus('kpower-generic');
    second.scheduler.close();
    await expect(rejection(second.clock, second.driver.hold(by(second.clock, 20)))).resolves.toMatchObject({
      error: { reason: 'port_lost' },
    });
  });

  it.each([
    ['crc', new ModbusCrcError('bad crc')],
    ['garbled', new ModbusGarbledError('wrong byte count')],
    ['timeout', new ModbusTimeoutError('response', 'late')],
    ['bus_busy', new ModbusTimeoutError('queue', 'waited past its deadline')],
    ['own_delay', new ModbusTimeoutError('own_delay', 'judged 30 ms late')],
  ] as const)('maps the transport error to %s', async (reason, transportError) => {
    const { clock, master, driver } = await bus('kpower-generic');
    master.faultFor = () => ({ kind: 'reject', error: transportError });
    await expect(rejection(clock, driver.readStatus(by(clock, 20)))).resolves.toMatchObject({ error: { reason } });
  });

  it('lets programming errors through untouched: out-of-range moves never reach the bus', async () => {
    const { clock, master, driver } = await bus('kpower-generic');
    const { error } = await rejection(clock, driver.moveTo({ targetMm: 3e6, speedMmPerS: 10 }, by(clock, 20)));
    expect(error).toBeInstanceOf(RangeError);
    await expect(rejection(clock, driver.moveTo({ targetMm: 1, speedMmPerS: 0.0001 }, by(clock, 20)))).resolves.toMatchObject({
      error: expect.any(RangeError),
    });
    expect(master.log).toEqual([]);
  });

  it('closes only itself: the shared master keeps serving the other drives', async () => {
    const { clock, master, driver, driverFor } = await bus('kpower-generic');
    await driver.close();
    await driver.close();
    await expect(rejection(clock, driver.readStatus(by(clock, 20)))).resolves.toMatchObject({ error: { reason: 'port_lost' } });
    await expect(settle(clock, driverFor(2).readStatus(by(clock, 20)))).resolves.toMatchObject({ ok: true });
    expect(master.log).toHaveLength(1);
  });
});
