import type { Clock } from '../src/common/clock.ts';
import { watchDeadline } from '../src/common/deadline.ts';
import type { Disposable } from '../src/common/disposable.ts';
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

interface Item {
  readonly priority: BusPriority;
  /** When the item should get the bus at the latest (its deadline, or its unit's keep-alive due), Clock ms. */
  readonly urgentAtMs: number;
  readonly seq: number;
  readonly enqueuedAtMs: number;
  /** Starts the work and settles the caller; resolves when the work itself has settled. */
  readonly run: () => Promise<void>;
  readonly reject: (error: Error) => void;
  expiry: Disposable | undefined;
}

/** Starts `work` at once; a synchronous throw becomes its rejection (no extra turn of the microtask queue). */
function startWork<T>(work: (deadlineMs: number) => Promise<T>, deadlineMs: number): Promise<T> {
  try {
    return work(deadlineMs);
  } catch (error) {
    return Promise.reject(error);
  }
}

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

  constructor(private readonly clock: Clock) {}

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

  /**
   * Runs `work` when the bus is free and nothing more urgent waits (see BusPriority). `deadlineMs` is
   * absolute Clock time: if it passes while the item is queued, the promise rejects with
   * ModbusTimeoutError('queue') and `work` never runs. Once running, the item settles as `work` does:
   * `work` receives the deadline and must end by it (the transports do: their answer is due by it),
   * and the bus is not given to the next item before it has. `urgentAtMs` (default `deadlineMs`) is when the item should
   * go out at the latest for another reason, e.g. its drive's comm-loss watchdog.
   */
  submit<T>(priority: BusPriority, deadlineMs: number, work: (deadlineMs: number) => Promise<T>, urgentAtMs = deadlineMs): Promise<T> {
    if (this.closed) return Promise.reject(new PortClosedError('bus scheduler is closed'));
    const nowMs = this.clock.now();
    if (nowMs >= deadlineMs) {
      this.waits[priority].expired++;
      return Promise.reject(new ModbusTimeoutError('queue', `${priority} item submitted after its deadline`));
    }
    return new Promise<T>((resolve, reject) => {
      const item: Item = {
        priority,
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
        if (index < 0) return;
        this.queue.splice(index, 1);
        this.waits[priority].expired++;
        reject(new ModbusTimeoutError('queue', `${priority} item waited past its deadline`));
      });
    });
  }

  /** Rejects everything queued with PortClosedError and refuses new work; the running item finishes. */
  close(): void {
    this.closed = true;
    for (const item of this.queue.splice(0)) {
      item.expiry?.dispose();
      item.reject(new PortClosedError('bus scheduler was closed'));
    }
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    let best = 0;
    for (let i = 1; i < this.queue.length; i++) if (comesBefore(this.queue[i]!, this.queue[best]!)) best = i;
    const item = this.queue.splice(best, 1)[0]!;
    item.expiry?.dispose();
    const waitMs = this.clock.now() - item.enqueuedAtMs;
    const counters = this.waits[item.priority];
    counters.started++;
    counters.totalWaitMs += waitMs;
    counters.maxWaitMs = Math.max(counters.maxWaitMs, waitMs);
    this.running = true;
    void item.run().then(() => {
      this.running = false;
      this.pump();
    });
  }
}
