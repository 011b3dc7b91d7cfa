import { describe, expect, it } from 'vitest';
import { BusScheduler } from '../../../protocols/bus-scheduler.ts';
import { ModbusTimeoutError } from '../../../protocols/errors.ts';
import { STS_FORMAT, ServoFrameExtractor } from '../../../protocols/bus-servo/servo-frame.ts';
import { fromSignMagnitude, STS_STATUS_BLOCK, StsInstruction, StsRegister, stsValue } from '../../../protocols/bus-servo/sts-protocol.ts';
import { StsSyncReader, type GatheredBlock } from '../../../protocols/bus-servo/sts-sync-reader.ts';
import { settle } from '../../support/settle.ts';
import { servoLine } from './support/servo-rig.ts';

async function syncLine(ids: readonly number[]) {
  const line = await servoLine('sts', ids);
  const scheduler = new BusScheduler(line.clock, () => line.master.lineSettled());
  const reader = new StsSyncReader(line.master, scheduler, line.clock, STS_STATUS_BLOCK);
  /** The instructions the master put on the wire, in order. */
  const sent = () => line.masterEnd.written.flatMap((bytes) => new ServoFrameExtractor(STS_FORMAT).push(bytes).map((f) => f.body[0]));
  return { ...line, scheduler, reader, sent };
}

const degreesOf = (block: GatheredBlock): number =>
  fromSignMagnitude(stsValue(block.data, STS_STATUS_BLOCK.address, StsRegister.presentPosition, 2)) / (4096 / 360);

describe('StsSyncReader: the poll reads of an STS line gathered into one SYNC_READ (in memory, virtual time)', () => {
  it('reads every servo asked for in the same turn with one SYNC_READ, each answer its own', async () => {
    const { clock, reader, sent, drive } = await syncLine([1, 2, 3]);
    drive(2).execute({ op: 'enable' });
    drive(2).execute({ op: 'moveTo', targetMm: 150, speedMmPerS: 300 });
    await clock.advanceBy(500);
    const deadlineMs = clock.now() + 20;
    const outcomes = await Promise.all([1, 2, 3].map((id) => settle(clock, reader.read(id, deadlineMs))));
    expect(sent()).toEqual([StsInstruction.syncRead]);
    expect(reader.counters).toEqual({ exchanges: 1, reads: 3 });
    const blocks = outcomes.map((o) => (o.ok ? o.value : undefined));
    expect(blocks.map((b) => b && Math.round(degreesOf(b)))).toEqual([120, 150, 120]);
    expect(blocks.every((b) => b && b.error === 0 && b.answerMs > 0)).toBe(true);
    // Each answer time is the servo's own (from the answer before it), not its place in the list: the first includes the request.
    expect(blocks[2]!.answerMs).toBeLessThanOrEqual(blocks[0]!.answerMs);
  });

  it('a read asked for while the line is busy goes in the next SYNC_READ, with every other read waiting by then', async () => {
    const { clock, reader } = await syncLine([1, 2, 3]);
    const deadlineMs = () => clock.now() + 20;
    const first = reader.read(1, deadlineMs());
    await clock.advanceBy(0.1);
    const later = [reader.read(2, deadlineMs()), reader.read(3, deadlineMs())];
    const all = await Promise.all([first, ...later].map((read) => settle(clock, read)));
    expect(all.every((o) => o.ok)).toBe(true);
    expect(reader.counters).toEqual({ exchanges: 2, reads: 3 });
  });

  it("a silent servo fails alone once the exchange's budget is over; its neighbours' answers arrive as they come", async () => {
    const { clock, reader, server } = await syncLine([1, 2, 3]);
    server.inject(2, { kind: 'silent' });
    const startMs = clock.now();
    const [one, two, three] = await Promise.all([1, 2, 3].map((id) => settle(clock, reader.read(id, startMs + 50))));
    expect(one!.ok && three!.ok).toBe(true);
    expect(two!.ok).toBe(false);
    expect((two as { error: unknown }).error).toBeInstanceOf(ModbusTimeoutError);
    expect((two as { error: ModbusTimeoutError }).error.stage).toBe('response');
    expect(three!.atMs).toBeLessThan(two!.atMs);
  });

  it('a read settles by its own deadline when its neighbour in the same SYNC_READ has a later one', async () => {
    const { clock, reader, server } = await syncLine([1, 2]);
    server.inject(1, { kind: 'silent' });
    const startMs = clock.now();
    const [short, long] = await Promise.all([settle(clock, reader.read(1, startMs + 2)), settle(clock, reader.read(2, startMs + 200))]);
    expect(short.ok).toBe(false);
    expect(short.atMs).toBeLessThanOrEqual(startMs + 2);
    expect((short as { error: ModbusTimeoutError }).error.stage).toBe('response');
    expect(long.ok).toBe(true);
  });

  it('a read whose deadline passes before its request goes out is refused as a queued request, and never sent', async () => {
    const { clock, reader, scheduler, master } = await syncLine([1, 2]);
    // Keep the line busy past the first read's deadline.
    const busy = scheduler.submit('command', clock.now() + 100, () => clock.sleep(30));
    const early = settle(clock, reader.read(1, clock.now() + 10));
    const late = settle(clock, reader.read(2, clock.now() + 80));
    const [a, b] = await Promise.all([early, late]);
    await busy;
    expect((a as { error: ModbusTimeoutError }).error.stage).toBe('queue');
    expect(b.ok).toBe(true);
    expect(reader.counters).toEqual({ exchanges: 1, reads: 1 });
    expect(master.counters.transactions).toBe(1);
  });
});
