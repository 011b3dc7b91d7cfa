import { describe, expect, it } from 'vitest';
import { UnitChannel } from '../../../drivers/modbus/unit-channel.ts';
import { BusScheduler } from '../../../protocols/bus-scheduler.ts';
import { ModbusCrcError, ModbusTimeoutError } from '../../../protocols/errors.ts';
import { zeroCounters, type ModbusCallOptions, type ModbusMaster } from '../../../protocols/modbus-master.ts';
import { VirtualClock } from '../../../src/common/virtual-clock.ts';

/** A master whose unit answers every read after 4 ms, or stays silent until the read's deadline, or answers with a bad CRC. */
function fakeMaster(clock: VirtualClock) {
  const reads: { atMs: number; address: number; count: number }[] = [];
  let answer: 'good' | 'silent' | 'bad' = 'good';
  const master = {
    counters: zeroCounters(),
    async readHoldingRegisters(_unit: number, address: number, count: number, options?: ModbusCallOptions) {
      const deadlineMs = options?.deadlineMs ?? Number.POSITIVE_INFINITY;
      if (clock.now() >= deadlineMs) throw new ModbusTimeoutError('queue', 'deadline passed while waiting for the port');
      reads.push({ atMs: clock.now(), address, count });
      const kind = answer; // as it was when the request went out
      if (kind === 'silent') {
        await clock.sleep(deadlineMs - clock.now());
        throw new ModbusTimeoutError('response', 'no answer by the deadline');
      }
      await clock.sleep(4);
      if (kind === 'bad') throw new ModbusCrcError('answer with bad CRC');
      return new Array<number>(count).fill(0);
    },
    writeSingleRegister: async () => undefined,
    writeMultipleRegisters: async () => undefined,
    close: async () => undefined,
    exchangeBudgetMs: () => 4,
  } satisfies ModbusMaster;
  return { master, reads, silence: () => (answer = 'silent'), answerWith: (next: typeof answer) => (answer = next) };
}

const KEEP_ALIVE = { everyMs: 50, read: { address: 7, count: 1 } };

/** A channel with keep-alive whose unit answered its first status read (at 0 ms): armed from then on. */
async function answeredChannel() {
  const clock = new VirtualClock();
  const bus = new BusScheduler(clock);
  const fake = fakeMaster(clock);
  const channel = new UnitChannel(1, fake.master, bus, 'ax1 (unit 1)', KEEP_ALIVE);
  const first = channel.read('poll', clock.now() + 60, 'readStatus', 0, 12);
  await clock.advanceTo(4);
  await first;
  return { clock, bus, channel, ...fake };
}

describe('UnitChannel keep-alive', () => {
  it('reads the status word by itself half a watchdog after the last request, once the unit has answered', async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    const { master, reads } = fakeMaster(clock);
    const channel = new UnitChannel(1, master, bus, 'ax1 (unit 1)', KEEP_ALIVE);
    await clock.advanceTo(200);
    expect(reads).toEqual([]); // never answered yet: nothing armed to keep alive
    const first = channel.read('poll', clock.now() + 60, 'readStatus', 0, 12);
    await clock.advanceTo(370);
    await first;
    expect(reads.map((r) => [r.atMs, r.address, r.count])).toEqual([
      [200, 0, 12],
      [250, 7, 1],
      [300, 7, 1],
      [350, 7, 1],
    ]);
    channel.close();
    await clock.advanceTo(500);
    expect(reads).toHaveLength(4);
  });

  it('counts a slot whose request was refused before the wire (a stall of ours after it got the bus) as no traffic', async () => {
    const { clock, reads, channel } = await answeredChannel();
    await clock.advanceTo(10);
    // The slot gets the bus at 10 ms, but its read reaches the master only at 35, past the deadline (30).
    const refused = channel
      .run('poll', 30, 'readStatus', async (io) => {
        await clock.sleep(25);
        return io.read(0, 12);
      })
      .catch((e: unknown) => e);
    await clock.advanceTo(70);
    expect(await refused).toMatchObject({ reason: 'bus_busy' });
    // The unit last heard from us at 0 ms: its keep-alive is due at 50, not 50 after the refused slot.
    expect(reads.map((r) => [r.atMs, r.count])).toEqual([
      [0, 12],
      [50, 1],
    ]);
    channel.close();
  });

  it('keeps a unit alive after its queued poll expired unsent (our own delay), but not a unit that went silent', async () => {
    const { clock, bus, reads, silence, channel } = await answeredChannel();
    // Another exchange holds the bus past the poll's deadline: the poll never goes out.
    const long = bus.submit('poll', 1000, () => clock.sleep(80));
    const expired = channel.read('poll', clock.now() + 20, 'readStatus', 0, 12).catch((e: unknown) => e);
    await clock.advanceTo(90);
    await long;
    expect(await expired).toMatchObject({ reason: 'bus_busy' });
    // At 84 the long exchange ends; the unit's last request was at 0, so it is past due (50): a keep-alive at once.
    expect(reads.at(-1)).toMatchObject({ atMs: 84, address: 7 });

    silence();
    await clock.advanceTo(400);
    const keepAlivesAfterSilence = reads.filter((r) => r.atMs > 84);
    // Two more keep-alives find the unit silent (one missed answer is not yet a dead drive); after
    // that the bus stops spending time on it.
    expect(keepAlivesAfterSilence).toHaveLength(2);
    channel.close();
  });

  it('keeps a unit that missed one answer in the order; a bad answer between two misses is an answer', async () => {
    const { clock, reads, answerWith, channel } = await answeredChannel();
    // Keep-alives at 50 (missed: its deadline is 100), 100 (a bad answer), 150 (missed), 200 (answered).
    const answers = ['silent', 'bad', 'silent', 'good'] as const;
    for (const [i, next] of answers.entries()) {
      answerWith(next);
      await clock.advanceTo(50 * (i + 1) + 1);
    }
    await clock.advanceTo(260);
    expect(reads.slice(1).map((r) => r.atMs)).toEqual([50, 100, 150, 200, 250]);
    channel.close();
  });
});
