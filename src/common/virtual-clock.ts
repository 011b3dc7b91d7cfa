import type { Clock, ClockTimer } from './clock.ts';

/** A timer is its own handle: disposing it (once or more) marks it cancelled, with nothing else to allocate. */
class Timer implements ClockTimer {
  cancelled = false;

  constructor(
    readonly atMs: number,
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
  private readonly heap: Timer[] = [];

  constructor(startMs = 0) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimer(callback: () => void, delayMs: number): ClockTimer {
    const timer = new Timer(this.nowMs + Math.max(0, delayMs), this.seq++, callback);
    this.push(timer);
    return timer;
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(resolve, delayMs));
  }

  /** Number of timers still waiting (cancelled ones excluded). */
  get pendingTimers(): number {
    return this.heap.filter((t) => !t.cancelled).length;
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
    if (!next || next.atMs > limitMs) return false;
    this.pop();
    this.nowMs = Math.max(this.nowMs, next.atMs);
    next.callback();
    return undefined;
  }

  private peekLive(): Timer | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0];
  }

  private static before(a: Timer, b: Timer): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(timer);
    // Moves the hole up instead of swapping pairs: one write per level.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!VirtualClock.before(timer, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = timer;
  }

  private pop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && VirtualClock.before(heap[right]!, heap[left]!) ? right : left;
      if (!VirtualClock.before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
