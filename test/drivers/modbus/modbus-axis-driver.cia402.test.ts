import { describe, expect, it } from 'vitest';
import { DriveFaultError } from '../../../drivers/errors.ts';
import { actLikeCia402, put32 } from './support/drive-registers.ts';
import { by, bus, compact, rejection, value } from './support/harness.ts';

/** cia402-generic: controlword 0x0100, comm-loss 0x0102, speed 0x0104, target 0x0110, actual 0x0112, velocity 0x0114, following error 0x0116, statusword 0x0118, error code 0x0119. */
const CIA = { cw: 0x0100, target: 0x0110, actual: 0x0112, velocity: 0x0114, sw: 0x0118, alarm: 0x0119 } as const;
const SWITCH_ON_DISABLED = 0x0240;
const OPERATION_ENABLED = 0x0237;
const TARGET_REACHED = 0x0400;
const FAULT = 0x0208;

async function cia402Bus(statusWord: number, options: { alarmStays?: boolean } = {}) {
  const setup = await bus('cia402-generic');
  setup.regs[CIA.sw] = statusWord;
  actLikeCia402(setup.registers, 1, setup.clock, { controlWord: CIA.cw, statusWord: CIA.sw, alarmCode: CIA.alarm }, options);
  return setup;
}

const controlWrites = (writes: string[]): string[] => writes.filter((w) => w.startsWith('0x0100:'));

describe('ModbusAxisDriver (CiA 402, cia402-generic)', () => {
  it('reads a sample with one FC03 of the 10-register block, low word first', async () => {
    const { clock, regs, master, driver } = await cia402Bus(OPERATION_ENABLED | TARGET_REACHED);
    put32(regs, CIA.actual, -1_234_567, 'low_first');
    put32(regs, CIA.velocity, 20_000, 'low_first');
    const status = await value(clock, driver.readStatus(by(clock, 20)));
    expect(compact(master.log)).toEqual(['u1 R 0x0110x10']);
    expect(status).toMatchObject({
      positionMm: -123.4567,
      velocityMmPerS: 2,
      enabled: true,
      ready: true,
      moving: false,
      targetReached: true,
      holding: false,
    });
  });

  it('enables by walking shutdown 0x06, switch on 0x07, enable operation 0x0F, reading the statusword between steps', async () => {
    const { clock, regs, master, driver } = await cia402Bus(SWITCH_ON_DISABLED);
    put32(regs, CIA.actual, 42_000, 'low_first');
    await value(clock, driver.enable(by(clock, 100)));
    const log = compact(master.log);
    expect(log.slice(0, 3)).toEqual(['u1 W 0x0102=0x0064', 'u1 R 0x0110x10', 'u1 W 0x0110=0xA410,0x0000']); // watchdog, sample, target = actual
    expect(controlWrites(master.writes())).toEqual(['0x0100:0x0006', '0x0100:0x0007', '0x0100:0x000F']);
    const steps = log.map((line, i) => [line, i] as const).filter(([line]) => line.startsWith('u1 W 0x0100'));
    for (const [[, from], [, to]] of steps.slice(1).map((step, i) => [steps[i]!, step] as const)) {
      expect(log.slice(from + 1, to)).toContain('u1 R 0x0110x10');
    }
    await expect(value(clock, driver.readStatus(by(clock, 20)))).resolves.toMatchObject({ enabled: true });
  });

  it('does not drop an enabled drive through shutdown when enabled again', async () => {
    const { clock, regs, master, driver } = await cia402Bus(OPERATION_ENABLED);
    regs[CIA.cw] = 0x000f;
    await value(clock, driver.enable(by(clock, 100)));
    expect(controlWrites(master.writes())).toEqual([]);
  });

  it('gives up with a timeout naming the state when the drive does not follow', async () => {
    const { clock, registers, driver } = await cia402Bus(SWITCH_ON_DISABLED);
    registers.onWrite = undefined; // the drive ignores the controlword
    const { error, atMs } = await rejection(clock, driver.enable({ deadlineMs: 40 }));
    expect(error).toMatchObject({ reason: 'timeout', message: expect.stringMatching(/still SwitchOnDisabled .*after shutdown/) });
    expect(atMs).toBeLessThanOrEqual(40);
  });

  it('holds with halt (bit 8) and moves with new set-point, halt cleared in the same write', async () => {
    const { clock, regs, master, driver } = await cia402Bus(OPERATION_ENABLED);
    regs[CIA.cw] = 0x000f;
    await value(clock, driver.hold(by(clock, 20)));
    await expect(value(clock, driver.readStatus(by(clock, 20)))).resolves.toMatchObject({ holding: true });
    await value(clock, driver.moveTo({ targetMm: 1.5, speedMmPerS: 10 }, by(clock, 50)));
    expect(master.writes()).toEqual([
      '0x0100:0x010F', // halt
      '0x0104:0x86A0,0x0001', // speed 100000 counts/s, low word first; not adjacent to the target, so its own FC16
      '0x0110:0x3A98,0x0000', // target 15000 counts
      '0x0100:0x003F', // enable operation + new set-point + change set immediately, halt cleared
    ]);
  });

  it('refuses moveTo and enable in Fault with the error code, and enables after a fault reset', async () => {
    const { clock, regs, master, driver } = await cia402Bus(FAULT);
    regs[CIA.cw] = 0x000f;
    regs[CIA.alarm] = 0x7500;
    const move = await rejection(clock, driver.moveTo({ targetMm: 1, speedMmPerS: 10 }, by(clock, 50)));
    expect(move.error).toBeInstanceOf(DriveFaultError);
    expect(move.error).toMatchObject({ alarmCode: 0x7500 });
    await expect(rejection(clock, driver.enable(by(clock, 50)))).resolves.toMatchObject({ error: { alarmCode: 0x7500 } });
    await value(clock, driver.resetAlarm(by(clock, 50)));
    await value(clock, driver.enable(by(clock, 100)));
    expect(controlWrites(master.writes())).toEqual(['0x0100:0x0080', '0x0100:0x0006', '0x0100:0x0007', '0x0100:0x000F']);
  });

  it('rejects resetAlarm with DriveFaultError while the fault stays', async () => {
    const { clock, regs, driver } = await cia402Bus(FAULT, { alarmStays: true });
    regs[CIA.alarm] = 0x2310;
    await expect(rejection(clock, driver.resetAlarm(by(clock, 30)))).resolves.toMatchObject({
      error: { alarmCode: 0x2310, isDriveFaultError: true },
    });
  });
});
