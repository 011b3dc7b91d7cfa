import type { Clock } from './clock.ts';
import { disposableOnce, type Disposable } from './disposable.ts';

interface Timer {
  readonly atMs: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/** Lets every pending promise continuation run before time moves on. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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

  setTimer(callback: () => void, delayMs: number): Disposable {
    const timer: Timer = { atMs: this.nowMs + Math.max(0, delayMs), seq: this.seq++, callback, cancelled: false };
    this.push(timer);
    return disposableOnce(() => {
      timer.cancelled = true;
    });
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
    await settle();
    while (!done()) {
      const next = this.peekLive();
      if (!next || next.atMs > limitMs) return false;
      this.pop();
      this.nowMs = Math.max(this.nowMs, next.atMs);
      next.callback();
      await settle();
    }
    return true;
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
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!VirtualClock.before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && VirtualClock.before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && VirtualClock.before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}
