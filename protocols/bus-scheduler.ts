import type { Clock } from '../src/common/clock.ts';
import { withDeadline } from '../src/common/deadline.ts';
import type { Disposable } from '../src/common/disposable.ts';
import { ModbusTimeoutError, PortClosedError } from './errors.ts';

/**
 * Who gets the bus next, highest first: 'hold' (hold/stop commands, always ahead of everything
 * queued), 'command', 'poll', 'probe'. FIFO within a priority.
 */
export type BusPriority = 'hold' | 'command' | 'poll' | 'probe';
export const BUS_PRIORITIES: readonly BusPriority[] = ['hold', 'command', 'poll', 'probe'];

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
  readonly enqueuedAtMs: number;
  /** Starts the work and settles the caller; resolves when the work itself has settled. */
  readonly run: () => Promise<void>;
  readonly reject: (error: Error) => void;
  readonly timer: Disposable;
}

const emptyCounters = (): { started: number; expired: number; totalWaitMs: number; maxWaitMs: number } => ({
  started: 0,
  expired: 0,
  totalWaitMs: 0,
  maxWaitMs: 0,
});

/**
 * A per-port queue that runs one transaction at a time, by priority. Transport-agnostic: `work` is
 * any call on a ModbusMaster (or anything else that uses the bus). The bus is not given to the next
 * item before the running work settles, so work must honour the deadline it is handed.
 */
export class BusScheduler {
  private readonly queues: Record<BusPriority, Item[]> = { hold: [], command: [], poll: [], probe: [] };
  private readonly waits: Record<BusPriority, ReturnType<typeof emptyCounters>> = {
    hold: emptyCounters(),
    command: emptyCounters(),
    poll: emptyCounters(),
    probe: emptyCounters(),
  };
  private running = false;
  private closed = false;

  /**
   * @param graceMs how long after its deadline a running work may take before its caller is released
   *   with ModbusTimeoutError('response'); the transport's own, more precise error normally comes first.
   */
  constructor(
    private readonly clock: Clock,
    private readonly graceMs = 10,
  ) {}

  /** Items waiting (not counting the one running). */
  get queued(): number {
    return BUS_PRIORITIES.reduce((sum, p) => sum + this.queues[p].length, 0);
  }

  get busy(): boolean {
    return this.running;
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
   * Runs `work` when the bus is free and nothing of higher priority (or the same priority, queued
   * earlier) waits. `deadlineMs` is absolute Clock time: if it passes while the item is queued, the
   * promise rejects with ModbusTimeoutError('queue') and `work` never runs; once running, the caller
   * is released by the deadline plus `graceMs` at the latest (ModbusTimeoutError('response')). `work` receives the
   * deadline to pass on to the transport.
   */
  submit<T>(priority: BusPriority, deadlineMs: number, work: (deadlineMs: number) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new PortClosedError('bus scheduler is closed'));
    if (this.clock.now() >= deadlineMs) {
      this.waits[priority].expired++;
      return Promise.reject(new ModbusTimeoutError('queue', `${priority} item submitted after its deadline`));
    }
    return new Promise<T>((resolve, reject) => {
      const item: Item = {
        priority,
        enqueuedAtMs: this.clock.now(),
        run: () => {
          const working = Promise.resolve().then(() => work(deadlineMs));
          const overdue = (): Error => new ModbusTimeoutError('response', `${priority} work still running ${this.graceMs} ms after its deadline`);
          withDeadline(this.clock, working, deadlineMs + this.graceMs, overdue).then(resolve, reject);
          return working.then(
            () => undefined,
            () => undefined,
          );
        },
        reject,
        timer: this.clock.setTimer(() => {
          const queue = this.queues[priority];
          const index = queue.indexOf(item);
          if (index < 0) return;
          queue.splice(index, 1);
          this.waits[priority].expired++;
          reject(new ModbusTimeoutError('queue', `${priority} item waited past its deadline`));
        }, deadlineMs - this.clock.now()),
      };
      this.queues[priority].push(item);
      this.pump();
    });
  }

  /** Rejects everything queued with PortClosedError and refuses new work; the running item finishes. */
  close(): void {
    this.closed = true;
    for (const priority of BUS_PRIORITIES) {
      for (const item of this.queues[priority].splice(0)) {
        item.timer.dispose();
        item.reject(new PortClosedError('bus scheduler was closed'));
      }
    }
  }

  private pump(): void {
    if (this.running) return;
    const priority = BUS_PRIORITIES.find((p) => this.queues[p].length > 0);
    if (!priority) return;
    const item = this.queues[priority].shift()!;
    item.timer.dispose();
    const waitMs = this.clock.now() - item.enqueuedAtMs;
    const counters = this.waits[priority];
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
