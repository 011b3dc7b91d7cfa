import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { BusScheduler, type BusPriority, type KeepAliveUnit } from '../../protocols/bus-scheduler.ts';
import { ModbusTimeoutError, PortClosedError } from '../../protocols/errors.ts';
import { outcome } from './support/outcome.ts';

/** A unit of bus work that takes `ms` of virtual time and logs when it starts. */
const job =
  (clock: VirtualClock, log: string[], name: string, ms = 10) =>
  async (): Promise<string> => {
    log.push(`${name}@${clock.now()}`);
    await clock.sleep(ms);
    return name;
  };

describe('BusScheduler', () => {
  it('runs one item at a time', async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    const log: string[] = [];
    const all = Promise.all([bus.submit('poll', 1000, job(clock, log, 'a')), bus.submit('poll', 1000, job(clock, log, 'b'))]);
    await clock.runUntil(() => log.length === 2 && !bus.busy);
    await expect(all).resolves.toEqual(['a', 'b']);
    expect(log).toEqual(['a@0', 'b@10']);
  });

  it('lets a hold jump every queued item, then commands, polls and probes, FIFO within a priority', async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    const log: string[] = [];
    const submitted: Array<[BusPriority, string]> = [
      ['poll', 'running'],
      ['probe', 'probe1'],
      ['poll', 'poll1'],
      ['command', 'cmd1'],
      ['poll', 'poll2'],
      ['hold', 'hold1'],
      ['command', 'cmd2'],
      ['hold', 'hold2'],
    ];
    const done = Promise.all(submitted.map(([priority, name]) => bus.submit(priority, 1000, job(clock, log, name))));
    await clock.runUntil(() => log.length === submitted.length && !bus.busy);
    await expect(done).resolves.toHaveLength(submitted.length);
    expect(log.map((entry) => entry.split('@')[0])).toEqual(['running', 'hold1', 'hold2', 'cmd1', 'cmd2', 'poll1', 'poll2', 'probe1']);
  });

  it('serves commands and polls by urgency: the unit closest to its watchdog first, whatever the arrival order', async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    const log: string[] = [];
    const submitted: Array<[BusPriority, string, number]> = [
      ['poll', 'running', 1000],
      ['poll', 'u1', 80],
      ['command', 'u2-move', 120],
      ['poll', 'u3', 40],
      ['probe', 'u4-probe', 10],
      ['hold', 'u5-hold', 500],
    ];
    const done = Promise.all(
      submitted.map(([priority, name, urgentAtMs]) => bus.submit(priority, 1000, job(clock, log, name), urgentAtMs)),
    );
    await clock.runUntil(() => log.length === submitted.length && !bus.busy);
    await done;
    // The hold still goes first and the probe last, however urgent its unit.
    expect(log.map((entry) => entry.split('@')[0])).toEqual(['running', 'u5-hold', 'u3', 'u1', 'u2-move', 'u4-probe']);
  });

  it('rejects an item whose deadline passes while queued, without running it', async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    const log: string[] = [];
    const first = bus.submit('poll', 1000, job(clock, log, 'slow', 50));
    const late = outcome(bus.submit('probe', 20, job(clock, log, 'probe')));
    const next = bus.submit('poll', 1000, job(clock, log, 'next'));
    await clock.advanceTo(20);
    const { error } = await late;
    expect(error).toBeInstanceOf(ModbusTimeoutError);
    expect((error as ModbusTimeoutError).stage).toBe('queue');
    expect(clock.now()).toBe(20); // rejected at its deadline, not when the bus came free
    await clock.runUntil(() => !bus.busy && bus.queued === 0);
    await expect(Promise.all([first, next])).resolves.toEqual(['slow', 'next']);
    expect(log).toEqual(['slow@0', 'next@50']);
    expect(bus.counters.probe).toMatchObject({ expired: 1, started: 0 });
  });

  it('rejects at once an item submitted after its deadline', async () => {
    const clock = new VirtualClock(100);
    const bus = new BusScheduler(clock);
    await expect(bus.submit('command', 100, async () => 1)).rejects.toMatchObject({ isModbusTimeoutError: true, stage: 'queue' });
  });

  it('hands the deadline to the work', async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    await expect(bus.submit('command', 77, async (deadlineMs) => deadlineMs)).resolves.toBe(77);
  });

  it('counts how long each priority waited for the bus', async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    const log: string[] = [];
    const all = Promise.all([bus.submit('poll', 1000, job(clock, log, 'a', 30)), bus.submit('command', 1000, job(clock, log, 'b', 5))]);
    await clock.runUntil(() => log.length === 2 && !bus.busy);
    await all;
    expect(bus.counters.poll).toEqual({ started: 1, expired: 0, totalWaitMs: 0, maxWaitMs: 0 });
    expect(bus.counters.command).toEqual({ started: 1, expired: 0, totalWaitMs: 30, maxWaitMs: 30 });
  });

  it('passes the work error through and keeps going', async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    const failed = bus.submit('poll', 100, async () => {
      throw new Error('wire failure');
    });
    await expect(failed).rejects.toThrow('wire failure');
    await expect(bus.submit('poll', 100, async () => 'ok')).resolves.toBe('ok');
  });

  it('keeps the bus for a work that overruns its deadline until it settles, and settles its caller with it', async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    const log: string[] = [];
    const stuck = bus.submit('poll', 10, job(clock, log, 'stuck', 100));
    const after = bus.submit('hold', 1000, job(clock, log, 'hold'));
    await clock.runUntil(() => log.length === 2 && !bus.busy);
    await expect(stuck).resolves.toBe('stuck');
    await expect(after).resolves.toBe('hold');
    expect(log).toEqual(['stuck@0', 'hold@100']);
  });

  it('rejects queued items and new work when closed', async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    const log: string[] = [];
    const running = bus.submit('poll', 1000, job(clock, log, 'running'));
    const queued = outcome(bus.submit('poll', 1000, job(clock, log, 'queued')));
    bus.close();
    expect((await queued).error).toBeInstanceOf(PortClosedError);
    await expect(bus.submit('hold', 1000, async () => 1)).rejects.toBeInstanceOf(PortClosedError);
    await clock.runUntil(() => !bus.busy);
    await expect(running).resolves.toBe('running');
  });
});

/** A unit that wants a request every `everyMs` after its last one, and notes when the bus sent it a keep-alive. */
class TestUnit implements KeepAliveUnit {
  lastMs = 0;
  readonly keepAlivesAtMs: number[] = [];

  constructor(
    private readonly clock: VirtualClock,
    private readonly everyMs: number,
    private readonly exchangeMs = 4,
  ) {}

  dueAtMs(): number {
    return this.lastMs + this.everyMs;
  }

  async sendKeepAlive(): Promise<void> {
    this.lastMs = this.clock.now();
    this.keepAlivesAtMs.push(this.lastMs);
    await this.clock.sleep(this.exchangeMs);
  }

  /** Queues an exchange of the unit's own (4 ms on the bus), urgent at its due, logged as `name@start`. */
  submitOwn(bus: BusScheduler, log: string[], name: string, priority: BusPriority = 'poll', deadlineMs = 1000): Promise<void> {
    return bus.submit(
      priority,
      deadlineMs,
      async () => {
        this.lastMs = this.clock.now();
        log.push(`${name}@${this.clock.now()}`);
        await this.clock.sleep(4);
      },
      this.dueAtMs(),
      this,
    );
  }
}

describe('BusScheduler keep-alive', () => {
  it('sends a unit with nothing queued a keep-alive by itself when it comes due, even on an idle bus', async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    const unit = new TestUnit(clock, 50);
    bus.keepAlive(unit);
    await clock.advanceTo(175);
    expect(unit.keepAlivesAtMs).toEqual([50, 100, 150]);
    expect(bus.keepAlives).toBe(3);
  });

  it("counts a unit's own queued work as its traffic: no keep-alive while it has an item waiting", async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    const unit = new TestUnit(clock, 50);
    bus.keepAlive(unit);
    const log: string[] = [];
    // Busy until 60 ms; the unit's own poll waits in the queue past its due (50 ms) and goes next.
    const running = bus.submit('poll', 1000, job(clock, log, 'other', 60));
    const own = unit.submitOwn(bus, log, 'own');
    await clock.advanceTo(80);
    await Promise.all([running, own]);
    expect(log).toEqual(['other@0', 'own@60']);
    expect(unit.keepAlivesAtMs).toEqual([]);
  });

  it('after a delay, serves the unit furthest past its due first, ahead of polls that are not yet urgent, but never ahead of a hold', async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    const late = new TestUnit(clock, 50);
    const later = new TestUnit(clock, 40);
    bus.keepAlive(late);
    bus.keepAlive(later);
    const log: string[] = [];
    // A long exchange holds the bus past both dues (as a stall of ours would).
    const running = bus.submit('poll', 1000, job(clock, log, 'long', 70));
    const poll = bus.submit('poll', 1000, job(clock, log, 'poll', 4), 500);
    const hold = bus.submit('hold', 1000, job(clock, log, 'hold', 4));
    await clock.advanceTo(100);
    await Promise.all([running, poll, hold]);
    expect(log).toEqual(['long@0', 'hold@70', 'poll@82']);
    expect(later.keepAlivesAtMs[0]).toBe(74);
    expect(late.keepAlivesAtMs[0]).toBe(78);
  });

  it('after a stall of ours, refuses the items that expired meanwhile and serves the unit furthest past its due, not the one that asks again first', async () => {
    const inner = new VirtualClock();
    // At 2 ms the process stops for 20 ms: every timer set before then runs 20 ms late, as after
    // SIGCONT, and the answer already waiting is read before any expiry timer has been judged.
    const clock = Object.assign(Object.create(inner) as VirtualClock, { now: () => inner.now() + (inner.now() >= 2 ? 20 : 0) });
    const bus = new BusScheduler(clock);
    const [a, b, c, d] = [-40, -36, -32, 0].map((lastMs) => Object.assign(new TestUnit(clock, 50), { lastMs }));
    for (const unit of [a, b, c, d]) bus.keepAlive(unit!);
    const log: string[] = [];
    const poll = (unit: TestUnit, name: string, deadlineMs: number) => unit.submitOwn(bus, log, name, 'poll', deadlineMs);
    // d's exchange is on the wire when the stall begins; its answer is read at 24 ms, and d asks
    // again at once. a, b and c waited in the queue past their deadline (20 ms) meanwhile.
    const again = poll(d!, 'd', 1000).then(() => poll(d!, 'd-again', 1000));
    const stale = [poll(a!, 'a', 20), poll(b!, 'b', 20), poll(c!, 'c', 20)].map(outcome);
    await inner.advanceTo(100);
    await again;
    for (const { error } of await Promise.all(stale)) expect(error).toMatchObject({ isModbusTimeoutError: true, stage: 'queue' });
    expect(bus.counters.poll).toMatchObject({ expired: 3 });
    // Never started; then oldest first: a, b and c by keep-alive (their own polls expired), d's second poll last.
    expect([a!, b!, c!].map((unit) => unit.keepAlivesAtMs[0])).toEqual([24, 28, 32]);
    expect(log).toEqual(['d@0', 'd-again@36']);
  });

  it('catching up, feeds every overdue unit by a short keep-alive before the status reads queued for them, the last one by its own poll', async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    // Keep-alives take 2 ms on the wire, status reads 4 ms; each unit last heard from the master just before 0.
    const [a, b, c, d] = [-10, -8, -6, -4].map((lastMs) => Object.assign(new TestUnit(clock, 50, 2), { lastMs }));
    for (const unit of [a, b, c, d]) bus.keepAlive(unit!);
    const log: string[] = [];
    // A long exchange holds the bus past every unit's due (40-46 ms), as a stall of ours would.
    const running = bus.submit('poll', 1000, job(clock, log, 'long', 60));
    const polls = [a, b, c, d].map((unit, i) => unit!.submitOwn(bus, log, 'abcd'[i]!));
    await clock.advanceTo(100);
    await Promise.all([running, ...polls]);
    expect([a, b, c].map((unit) => unit!.keepAlivesAtMs)).toEqual([[60], [62], [64]]);
    // d, the last one overdue, by its own poll (6 ms after the bus came free, not 12 behind three status reads); then the others' polls.
    expect(d!.keepAlivesAtMs).toEqual([]);
    expect(log).toEqual(['long@0', 'd@66', 'a@70', 'b@74', 'c@78']);
  });

  it("catching up, a keep-alive never goes ahead of a command more urgent than its unit, and a fed unit's poll waits its turn", async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    // Due at 40, 44 and 46; keep-alives take 2 ms.
    const [a, e, b] = [-10, -6, -4].map((lastMs) => Object.assign(new TestUnit(clock, 50, 2), { lastMs }));
    for (const unit of [a, e, b]) bus.keepAlive(unit!);
    const log: string[] = [];
    const running = bus.submit('poll', 1000, job(clock, log, 'long', 60));
    const queued = [a!.submitOwn(bus, log, 'poll-a'), e!.submitOwn(bus, log, 'command-e', 'command')];
    await clock.advanceTo(100);
    await Promise.all([running, ...queued]);
    // a (most overdue) by a keep-alive; then e's command (urgent at 44) before b's keep-alive (due 46);
    // a's poll, its unit fed at 60, after b.
    expect(a!.keepAlivesAtMs).toEqual([60]);
    expect(b!.keepAlivesAtMs).toEqual([66]);
    expect(e!.keepAlivesAtMs).toEqual([]);
    expect(log).toEqual(['long@0', 'command-e@62', 'poll-a@68']);
  });

  it('catching up, a drive that does not answer its keep-alive costs its neighbours one timeout, not two', async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    // d is dead: its keep-alive runs into a 10 ms timeout. f is overdue too; x is not yet.
    const d = Object.assign(new TestUnit(clock, 40, 10), { lastMs: -10 });
    const f = Object.assign(new TestUnit(clock, 40, 4), { lastMs: -8 });
    const x = Object.assign(new TestUnit(clock, 40, 4), { lastMs: 20 });
    for (const unit of [d, f, x]) bus.keepAlive(unit);
    const log: string[] = [];
    const running = bus.submit('poll', 1000, job(clock, log, 'long', 45));
    const queued = [d.submitOwn(bus, log, 'poll-d'), x.submitOwn(bus, log, 'poll-x')];
    await clock.advanceTo(90);
    await Promise.all([running, ...queued]);
    // d's keep-alive at 45 (timed out at 55), f's at 55; x's poll then goes before d's second try.
    expect(d.keepAlivesAtMs).toEqual([45]);
    expect(f.keepAlivesAtMs).toEqual([55]);
    expect(log).toEqual(['long@0', 'poll-x@59', 'poll-d@63']);
  });

  it('stops keeping a unit alive once released, and when the bus closes', async () => {
    const clock = new VirtualClock();
    const bus = new BusScheduler(clock);
    const unit = new TestUnit(clock, 50);
    const registration = bus.keepAlive(unit);
    await clock.advanceTo(60);
    registration.dispose();
    await clock.advanceTo(200);
    expect(unit.keepAlivesAtMs).toEqual([50]);
  });
});
