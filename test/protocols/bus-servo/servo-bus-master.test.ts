import { describe, expect, it } from 'vitest';
import { isLxAnswer, LxCommand, lxAnswerValue, lxCommand, lxMoveTimeWrite } from '../../../protocols/bus-servo/lx-protocol.ts';
import { ModbusCrcError, ModbusTimeoutError } from '../../../protocols/errors.ts';
import { encodeServoFrame, LX_FORMAT } from '../../../protocols/bus-servo/servo-frame.ts';
import { settle } from '../../support/settle.ts';
import { lxLine } from './support/servo-rig.ts';

const posRead = (id: number) => ({
  isAnswer: (f: { id: number; body: Uint8Array }) => isLxAnswer(f, id, LxCommand.posRead),
  answerBytes: 8,
});

describe('ServoBusMaster against the simulator as LX servos (in memory, virtual time)', () => {
  it('reads a position (120 degrees = 500 units) and moves the servo with MOVE_TIME_WRITE, which gets no answer', async () => {
    const { clock, master, drive } = await lxLine([1, 2]);
    const read = await settle(clock, master.transact(lxCommand(1, LxCommand.posRead), posRead(1), clock.now() + 50));
    expect(read.ok && lxAnswerValue(read.value!, LxCommand.posRead)).toBe(500);
    await settle(clock, master.transact(lxCommand(1, LxCommand.loadOrUnloadWrite, 1), undefined, clock.now() + 50));
    const move = await settle(clock, master.transact(lxMoveTimeWrite(1, 750, 500), undefined, clock.now() + 50));
    expect(move).toMatchObject({ ok: true, value: undefined });
    await clock.advanceBy(1000);
    expect(drive(1).peekStatus().positionMm).toBeCloseTo(180, 1);
    expect(drive(2).peekStatus().positionMm).toBe(120);
  });

  it('drops its own echo on an echoing one-wire line', async () => {
    const { clock, master } = await lxLine([1], { echo: true });
    const read = await settle(clock, master.transact(lxCommand(1, LxCommand.posRead), posRead(1), clock.now() + 50));
    expect(read.ok && lxAnswerValue(read.value!, LxCommand.posRead)).toBe(500);
    expect((await settle(clock, master.transact(lxCommand(1, LxCommand.moveStop), undefined, clock.now() + 50))).ok).toBe(true);
  });

  it('times out on a silent servo after its wire budget, not the caller deadline, and reports a bad checksum as such', async () => {
    const { clock, master, server } = await lxLine([1]);
    server.inject(1, { kind: 'silent' });
    const startMs = clock.now();
    const silent = await settle(clock, master.transact(lxCommand(1, LxCommand.posRead), posRead(1), startMs + 500));
    expect(silent.ok).toBe(false);
    expect((silent as { error: unknown }).error).toBeInstanceOf(ModbusTimeoutError);
    expect(silent.atMs - startMs).toBeLessThan(10);
    server.clear(1);
    await clock.advanceBy(100);
    server.inject(1, { kind: 'crc', probability: 1 });
    const corrupt = await settle(clock, master.transact(lxCommand(1, LxCommand.posRead), posRead(1), clock.now() + 500));
    expect((corrupt as { error: unknown }).error).toBeInstanceOf(ModbusCrcError);
  });

  it("drops a stray frame (another servo's late answer) and still takes its own answer", async () => {
    const { clock, master, masterEnd } = await lxLine([1, 2]);
    const read = master.transact(lxCommand(1, LxCommand.posRead), posRead(1), clock.now() + 50);
    masterEnd.receive(encodeServoFrame(LX_FORMAT, 2, [LxCommand.posRead, 0x10, 0x00]));
    const outcome = await settle(clock, read);
    expect(outcome.ok && lxAnswerValue(outcome.value!, LxCommand.posRead)).toBe(500);
    expect(master.counters.strayFrames).toBe(1);
  });

  it('ignores a servo id nobody serves: the read times out', async () => {
    const { clock, master } = await lxLine([1]);
    const other = await settle(clock, master.transact(lxCommand(7, LxCommand.posRead), posRead(7), clock.now() + 50));
    expect((other as { error: unknown }).error).toBeInstanceOf(ModbusTimeoutError);
  });
});
