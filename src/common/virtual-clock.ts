import type { Clock, ClockTimer } from './clock.ts';
import { DueHeap, type Due } from './due-heap.ts';

/** A timer is its own handle: disposing it (once or more) marks it cancelled, with nothing else to allocate. */
class Timer implements ClockTimer, Due {
  cancelled = false;
  heapIndex = 0;

  constructor(
    readonly dueMs: number,
    readonly seq: number,
    readonly callback: () => void,
  ) {}

  dispose(): void {
    this.cancelled = true;
  }

  /** Virtual time keeps no process alive. */
  keepAlive(): void {}
}

/** Lets every pending promise continuation run before time moves on. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Timers runUntil fires per turn of the event loop. Each still fires in a setImmediate callback of
 * its own, and Node drains every promise continuation and nextTick between two such callbacks just
 * as it does between two turns, so each timer is still followed by a complete settle. Queuing them
 * together only skips the rest of a turn (polling for I/O), which costs about three times as much
 * as the callback. I/O, signals and other immediates still get a turn every this many timers.
 */
const TIMERS_PER_TURN = 64;

/**
 * Virtual time: it moves only when told to, and jumps straight to the next timer. Timers due at the
 * same instant fire in the order they were set, and all promise continuations settle between two
 * timers, so a run that starts from the same state produces the same events at the same times.
 */
export class VirtualClock implements Clock {
  private nowMs: number;
  private seq = 0;
  private readonly heap = new DueHeap<Timer>();

  constructor(startMs = 0) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimer(callback: () => void, delayMs: number): ClockTimer {
    const timer = new Timer(this.nowMs + Math.max(0, delayMs), this.seq++, callback);
    this.heap.push(timer);
    return timer;
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(resolve, delayMs));
  }

  afterPendingInput(callback: () => void): void {
    callback();
  }

  /** Number of timers still waiting (cancelled ones excluded). */
  get pendingTimers(): number {
    return this.heap.count((t) => !t.cancelled);
  }

  /** Fires every timer due up to `targetMs`, in order, then leaves the clock at `targetMs`. */
  async advanceTo(targetMs: number): Promise<void> {
    await this.runUntil(() => false, targetMs);
    this.nowMs = Math.max(this.nowMs, targetMs);
    await settle();
  }

  async advanceBy(deltaMs: number): Promise<void> {
    await this.advanceTo(this.nowMs + deltaMs);
  }

  /**
   * Runs timers as fast as they can be processed until `done()` returns true, no timer is left, or
   * the next timer lies beyond `limitMs`. Returns whether `done()` became true.
   */
  async runUntil(done: () => boolean, limitMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    for (;;) {
      const outcome = await this.runTurn(done, limitMs);
      if (outcome !== undefined) return outcome;
    }
  }

  /**
   * One event-loop turn of runUntil: TIMERS_PER_TURN immediates, each a `fireNext`. Resolves with
   * runUntil's result once it is known, with undefined when the turn ends first, and rejects with
   * whatever a timer's callback threw.
   */
  private runTurn(done: () => boolean, limitMs: number): Promise<boolean | undefined> {
    return new Promise((resolve, reject) => {
      let left = TIMERS_PER_TURN;
      let finished = false;
      const step = () => {
        left -= 1;
        if (finished) return;
        let outcome: boolean | undefined;
        try {
          outcome = this.fireNext(done, limitMs);
        } catch (error) {
          finished = true;
          reject(error);
          return;
        }
        if (outcome !== undefined || left === 0) {
          finished = true;
          resolve(outcome);
        }
      };
      for (let i = 0; i < TIMERS_PER_TURN; i++) setImmediate(step);
    });
  }

  /** runUntil's result if it is known now; otherwise fires the next timer and returns undefined. */
  private fireNext(done: () => boolean, limitMs: number): boolean | undefined {
    if (done()) return true;
    const next = this.peekLive();
    if (!next || next.dueMs > limitMs) return false;
    this.heap.pop();
    this.nowMs = Math.max(this.nowMs, next.dueMs);
    next.callback();
    return undefined;
  }

  private peekLive(): Timer | undefined {
    while (this.heap.peek()?.cancelled) this.heap.pop();
    return this.heap.peek();
  }
}
