import type { Clock } from '../src/common/clock.ts';
import { watchDeadline } from '../src/common/deadline.ts';
import { disposableOnce, type Disposable } from '../src/common/disposable.ts';
import { ModbusTimeoutError } from './errors.ts';

interface Waiter {
  readonly grant: (hold: Disposable) => void;
  readonly timer: Disposable;
}

/**
 * One transaction at a time on a port, FIFO. A caller whose deadline passes while it waits is rejected
 * with ModbusTimeoutError('queue') and never reaches the wire. (Priorities belong to BusScheduler.)
 */
export class TransactionLock {
  private held = false;
  private readonly waiters: Waiter[] = [];

  constructor(private readonly clock: Clock) {}

  get busy(): boolean {
    return this.held;
  }

  /** The hold at once when the port is free (the usual case: the bus scheduler lets one call in at a time), else undefined. */
  tryAcquire(): Disposable | undefined {
    if (this.held) return undefined;
    this.held = true;
    return this.hold();
  }

  /** Resolves with a hold to dispose when the transaction is over; `deadlineMs` is Clock time. */
  acquire(deadlineMs: number): Promise<Disposable> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve(this.hold());
    }
    if (this.clock.now() >= deadlineMs) {
      return Promise.reject(new ModbusTimeoutError('queue', 'deadline passed while waiting for the port'));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        // On the shared deadline board: judged once the deadline has passed, never before (a Node timer can fire early).
        timer: watchDeadline(this.clock, deadlineMs, () => {
          const index = this.waiters.indexOf(waiter);
          if (index < 0) return;
          this.waiters.splice(index, 1);
          reject(new ModbusTimeoutError('queue', 'deadline passed while waiting for the port'));
        }),
      };
      this.waiters.push(waiter);
    });
  }

  private hold(): Disposable {
    return disposableOnce(() => {
      const next = this.waiters.shift();
      if (!next) {
        this.held = false;
        return;
      }
      next.timer.dispose();
      next.grant(this.hold());
    });
  }
}
