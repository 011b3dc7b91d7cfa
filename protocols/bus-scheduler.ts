// One file on purpose (over ~250 lines): one queue per port. Admission, the urgency order, expiry while
// queued, keep-alives and the wait for the line to settle all decide who gets the bus next, and a
// drive's watchdog is only kept if they agree; the transports and the unit channel are elsewhere.
import type { Clock, ClockTimer } from '../src/common/clock.ts';
import { watchDeadline } from '../src/common/deadline.ts';
import { disposableOnce, type Disposable } from '../src/common/disposable.ts';
import { startWork } from '../src/common/start-work.ts';
import { ModbusTimeoutError, PortClosedError } from './errors.ts';

/**
 * What an item on the bus is for. 'hold' (hold/stop commands) goes ahead of everything queued;
 * 'command' and 'poll' share the bus by urgency (the item that must go out soonest first; a command
 * before a poll when equally urgent); 'probe' (a half-open breaker's read-only status read) goes last.
 */
export type BusPriority = 'hold' | 'command' | 'poll' | 'probe';
export const BUS_PRIORITIES: readonly BusPriority[] = ['hold', 'command', 'poll', 'probe'];

/** Classes served strictly in this order; within a class, by urgency. */
const CLASS_OF: Readonly<Record<BusPriority, number>> = { hold: 0, command: 1, poll: 1, probe: 2 };
/** Tie-break within a class at equal urgency. */
const RANK_OF: Readonly<Record<BusPriority, number>> = { hold: 0, command: 0, poll: 1, probe: 0 };

export interface QueueWaitCounters {
  /** Items that got the bus. */
  readonly started: number;
  /** Items whose deadline passed while queued: rejected without touching the wire. */
  readonly expired: number;
  readonly totalWaitMs: number;
  readonly maxWaitMs: number;
}

export type BusSchedulerCounters = Readonly<Record<BusPriority, QueueWaitCounters>>;

/**
 * A unit whose comm-loss watchdog the bus keeps fed. Its own traffic (polls, commands) normally does
 * that; when the unit has nothing queued by its due time (its supervisor task is late: our own stall,
 * CPU starvation, a queued poll that expired meanwhile), or only polls while other units are past
 * their due too (see overdueUnit), the bus calls `sendKeepAlive` for it by itself. `sendKeepAlive`
 * counts as the unit's traffic from its call on: `dueAtMs` moves on before it returns.
 */
export interface KeepAliveUnit {
  /** When the unit must hear from the master next, Clock ms; +Infinity while it needs nothing. */
  dueAtMs(): number;
  /** One harmless read-only exchange with the unit; settles (either way) when the exchange is over. */
  sendKeepAlive(): Promise<void>;
}

interface Item {
  readonly priority: BusPriority;
  readonly deadlineMs: number;
  /** The unit the item talks to, when it has a keep-alive: its item counts as its traffic. */
  readonly unit: KeepAliveUnit | undefined;
  /**
   * When the item should get the bus at the latest (its deadline, or its unit's keep-alive due), Clock
   * ms. Moved on when the bus sends its unit a keep-alive meanwhile: the unit has been fed.
   */
  urgentAtMs: number;
  readonly seq: number;
  readonly enqueuedAtMs: number;
  /** Starts the work and settles the caller; resolves when the work itself has settled. */
  readonly run: () => Promise<void>;
  readonly reject: (error: Error) => void;
  expiry: Disposable | undefined;
}

/** A unit past its keep-alive due, and its own queued poll when that is how it is to be served (see overdueUnit). */
interface OverdueUnit {
  readonly unit: KeepAliveUnit;
  readonly dueMs: number;
  readonly ownPoll: Item | undefined;
}

/**
 * Whether a unit past its keep-alive due since `dueMs` is served before `item`: before any poll or
 * probe (a drive near its watchdog first, the status reads after), never before a hold, before a
 * command that is less urgent.
 */
const goesAfterOverdue = (item: Item, dueMs: number): boolean =>
  item.priority === 'poll' || item.priority === 'probe' || (item.priority === 'command' && dueMs < item.urgentAtMs);

/** Whether `a` gets the bus before `b`. */
const comesBefore = (a: Item, b: Item): boolean =>
  CLASS_OF[a.priority] !== CLASS_OF[b.priority]
    ? CLASS_OF[a.priority] < CLASS_OF[b.priority]
    : a.urgentAtMs !== b.urgentAtMs
      ? a.urgentAtMs < b.urgentAtMs
      : RANK_OF[a.priority] !== RANK_OF[b.priority]
        ? RANK_OF[a.priority] < RANK_OF[b.priority]
        : a.seq < b.seq;

const emptyCounters = (): { started: number; expired: number; totalWaitMs: number; maxWaitMs: number } => ({
  started: 0,
  expired: 0,
  totalWaitMs: 0,
  maxWaitMs: 0,
});

/**
 * A per-port queue that runs one transaction at a time, by priority and urgency (earliest deadline
 * first, see BusPriority): after any delay, the drive closest to its comm-loss watchdog is served
 * first. Transport-agnostic: `work` is any call on a ModbusMaster (or anything else that uses the
 * bus). The bus is not given to the next item before the running work settles, so work must honour
 * the deadline it is handed. The queue holds about one item per drive: a scan finds the next.
 */
export class BusScheduler {
  private readonly queue: Item[] = [];
  private seq = 0;
  private readonly waits: Record<BusPriority, ReturnType<typeof emptyCounters>> = {
    hold: emptyCounters(),
    command: emptyCounters(),
    poll: emptyCounters(),
    probe: emptyCounters(),
  };
  private running = false;
  private closed = false;
  private readonly units = new Set<KeepAliveUnit>();
  private keepAlivesSent = 0;
  /** Wakes an idle bus when the next unit's keep-alive comes due. */
  private wake: ClockTimer | undefined;
  private wakeAtMs = Number.POSITIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    /**
     * The transport's recovery after a failed exchange (RtuMaster.lineSettled: the line falls silent):
     * the bus goes to the next item only once it has, so the transport never queues a call of its own.
     */
    private readonly lineSettled: () => Promise<void> | undefined = () => undefined,
  ) {}

  /** Items waiting (not counting the one running). */
  get queued(): number {
    return this.queue.length;
  }

  get busy(): boolean {
    return this.running;
  }

  /** The scheduler's Clock time, ms: what work compares urgency with. */
  now(): number {
    return this.clock.now();
  }

  get counters(): BusSchedulerCounters {
    return {
      hold: { ...this.waits.hold },
      command: { ...this.waits.command },
      poll: { ...this.waits.poll },
      probe: { ...this.waits.probe },
    };
  }

  /** Keep-alive exchanges the bus sent by itself (a unit past its due with nothing of its own queued, or catching up). */
  get keepAlives(): number {
    return this.keepAlivesSent;
  }

  /** Keeps `unit` alive from now on (see KeepAliveUnit) until the returned disposable is released. */
  keepAlive(unit: KeepAliveUnit): Disposable {
    this.units.add(unit);
    this.pump();
    return disposableOnce(() => this.units.delete(unit));
  }

  /**
   * Runs `work` when the bus is free and nothing more urgent waits (see BusPriority). `deadlineMs` is
   * absolute Clock time: if it passes while the item is queued, the promise rejects with
   * ModbusTimeoutError('queue') and `work` never runs. Once running, the item settles as `work` does:
   * `work` receives the deadline and must end by it (the transports do: their answer is due by it),
   * and the bus is not given to the next item before it has. `urgentAtMs` (default `deadlineMs`) is when the item should
   * go out at the latest for another reason, e.g. its drive's comm-loss watchdog.
   */
  submit<T>(
    priority: BusPriority,
    deadlineMs: number,
    work: (deadlineMs: number) => Promise<T>,
    urgentAtMs = deadlineMs,
    unit?: KeepAliveUnit,
  ): Promise<T> {
    if (this.closed) return Promise.reject(new PortClosedError('bus scheduler is closed'));
    const nowMs = this.clock.now();
    if (nowMs >= deadlineMs) {
      this.waits[priority].expired++;
      return Promise.reject(new ModbusTimeoutError('queue', `${priority} item submitted after its deadline`));
    }
    return new Promise<T>((resolve, reject) => {
      const item: Item = {
        priority,
        deadlineMs,
        unit,
        urgentAtMs: Math.min(urgentAtMs, deadlineMs),
        seq: this.seq++,
        enqueuedAtMs: nowMs,
        run: () => {
          // Settles the caller; the bus is free once this has (one reaction for both).
          return startWork(work, deadlineMs).then(resolve, reject);
        },
        reject,
        expiry: undefined,
      };
      this.queue.push(item);
      this.pump();
      if (!this.queue.includes(item)) return; // it got the bus at once
      item.expiry = watchDeadline(this.clock, deadlineMs, () => {
        const index = this.queue.indexOf(item);
        if (index >= 0) this.expire(item, index);
      });
    });
  }

  /** Rejects everything queued with PortClosedError and refuses new work; the running item finishes. */
  close(): void {
    this.closed = true;
    this.wake?.dispose();
    this.units.clear();
    for (const item of this.queue.splice(0)) {
      item.expiry?.dispose();
      item.reject(new PortClosedError('bus scheduler was closed'));
    }
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const nowMs = this.clock.now();
    this.expireOverdue(nowMs);
    const overdue = this.units.size === 0 ? undefined : this.overdueUnit(nowMs);
    if (overdue && this.queue.every((item) => goesAfterOverdue(item, overdue.dueMs))) {
      if (overdue.ownPoll) this.startQueued(overdue.ownPoll, nowMs);
      else this.sendKeepAlive(overdue.unit);
      return;
    }
    const best = this.queue.length === 0 ? undefined : this.mostUrgent();
    if (best === undefined) {
      this.wakeForNextDue(nowMs);
      return;
    }
    this.startQueued(best, nowMs);
  }

  private startQueued(item: Item, nowMs: number): void {
    this.queue.splice(this.queue.indexOf(item), 1);
    this.start(item, nowMs);
  }

  /**
   * Refuses the items whose deadline passed while they waited but whose expiry has not been judged
   * yet: after a stall of ours the bus comes free before their expiry timers run. Started, each would
   * only be refused by its transport; left queued, each would hide its unit from the keep-alive below,
   * so that the first unit to ask again (the one served last before the stall) went first.
   */
  private expireOverdue(nowMs: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.deadlineMs <= nowMs) this.expire(this.queue[i]!, i);
  }

  private expire(item: Item, index: number): void {
    this.queue.splice(index, 1);
    item.expiry?.dispose();
    this.waits[item.priority].expired++;
    item.reject(new ModbusTimeoutError('queue', `${item.priority} item waited past its deadline`));
  }

  private mostUrgent(): Item {
    let best = this.queue[0]!;
    for (let i = 1; i < this.queue.length; i++) if (comesBefore(this.queue[i]!, best)) best = this.queue[i]!;
    return best;
  }

  /**
   * The unit furthest past its keep-alive due among those with nothing of their own queued but polls,
   * if any, and how to serve it. While other units are past their due too (catching up after a stall
   * of ours), by a keep-alive even when it has a poll queued: a status read's answer is 29 bytes
   * against a keep-alive's 7, and the next overdue drive waits for it (the fourth of four is fed about
   * 6 ms sooner at 115200 baud); the polls follow. The last one by its own poll if it has one (no
   * exchange more than needed), else by a keep-alive. A poll close to its deadline may expire behind
   * these keep-alives: refused unsent, that is our delay, never held against its drive.
   */
  private overdueUnit(nowMs: number): OverdueUnit | undefined {
    let found: KeepAliveUnit | undefined;
    let foundDueMs = nowMs;
    let overdueCount = 0;
    for (const unit of this.units) {
      const dueMs = unit.dueAtMs();
      if (dueMs > nowMs) continue;
      overdueCount++;
      if (dueMs <= foundDueMs && this.queue.every((item) => item.unit !== unit || item.priority === 'poll')) {
        found = unit;
        foundDueMs = dueMs;
      }
    }
    if (!found) return undefined;
    const unit = found;
    const ownPoll = overdueCount === 1 ? this.queue.find((item) => item.unit === unit) : undefined;
    return { unit, dueMs: foundDueMs, ownPoll };
  }

  private sendKeepAlive(unit: KeepAliveUnit): void {
    this.keepAlivesSent++;
    this.running = true;
    void unit.sendKeepAlive().then(() => this.free());
    // Fed now: its queued polls are no more urgent than its next due (else, still marked with the old
    // due, they would go ahead of neighbours not yet served, and a dead drive's would cost a second timeout).
    for (const item of this.queue) if (item.unit === unit) item.urgentAtMs = Math.min(item.deadlineMs, unit.dueAtMs());
  }

  /** An idle bus: a timer for the earliest keep-alive due, so a unit is served although no work arrives (one timer, moved only forward). */
  private wakeForNextDue(nowMs: number): void {
    let nextMs = Number.POSITIVE_INFINITY;
    for (const unit of this.units) nextMs = Math.min(nextMs, unit.dueAtMs());
    if (!Number.isFinite(nextMs) || (this.wake && this.wakeAtMs <= nextMs)) return;
    this.wake?.dispose();
    this.wakeAtMs = nextMs;
    this.wake = this.clock.setTimer(
      () => {
        this.wake = undefined;
        this.wakeAtMs = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, nextMs - nowMs),
    );
    // The bus alone never keeps the process running.
    this.wake.keepAlive(false);
  }

  private start(item: Item, nowMs: number): void {
    item.expiry?.dispose();
    const waitMs = nowMs - item.enqueuedAtMs;
    const counters = this.waits[item.priority];
    counters.started++;
    counters.totalWaitMs += waitMs;
    counters.maxWaitMs = Math.max(counters.maxWaitMs, waitMs);
    this.running = true;
    void item.run().then(() => this.free());
  }

  /** The running work settled: the next item gets the bus once the line has settled too. */
  private free(): void {
    const settling = this.lineSettled();
    if (settling) {
      void settling.then(() => this.free());
      return;
    }
    this.running = false;
    this.pump();
  }
}
