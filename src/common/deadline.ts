import type { Clock, ClockTimer } from './clock.ts';
import type { Disposable } from './disposable.ts';
import { DueHeap, type Due } from './due-heap.ts';

/** A call waiting for its answer, due at `dueMs` (its deadline). */
interface Watch extends Due {
  readonly expire: () => void;
}

/** How far ahead an idle shared timer may lie and still keep the process alive, ms: the most it delays an exit. */
const IDLE_TIMER_KEPT_MS = 100;

/**
 * Every deadline on one clock, watched by one shared timer set for the earliest of them. A timer per
 * call costs more than the call it guards (about 0.8 µs on Node 20); here a call adds a heap entry
 * and removes it when it settles, and the timer is moved only when a new deadline is not later than
 * the one it waits for. Deadlines due at the same instant expire in the order they were set. An
 * expiry is judged only after the input already waiting has been read (Clock.afterPendingInput): a
 * call whose answer came in time while the process itself was stalled is answered, not expired.
 */
class DeadlineBoard {
  private readonly heap = new DueHeap<Watch>();
  private seq = 0;
  private timer: ClockTimer | undefined;
  /** What the shared timer waits for; +Infinity when it is not set. */
  private armedForMs = Number.POSITIVE_INFINITY;
  /** Whether the shared timer keeps the process alive (see unwatch). */
  private keepsAlive = true;

  constructor(private readonly clock: Clock) {}

  watch(deadlineMs: number, expire: () => void): Watch {
    const watch: Watch = { dueMs: deadlineMs, seq: this.seq++, heapIndex: 0, expire };
    this.heap.push(watch);
    // Re-arming on a tie too keeps the order a timer per call had: a timer that someone else set for
    // the same instant before this call fires before this deadline, not after it.
    if (deadlineMs <= this.armedForMs) this.arm(deadlineMs);
    else if (!this.keepsAlive) this.keepAlive(true);
    return watch;
  }

  /**
   * Forgets a watch whose call settled. The timer stays (it re-arms for the next one when it fires),
   * but once nothing is left to watch, a timer set far ahead for this very call (a settled 2 s close
   * deadline) no longer keeps the process alive, so it never holds up an exit. A near one is left
   * alone, and the clock is read only for the call the timer was set for: switching Node's ref, or
   * reading the clock, on every call would cost about as much as the call.
   */
  unwatch(watch: Watch): void {
    if (watch.heapIndex < 0) return; // expired or forgotten already
    this.heap.remove(watch);
    watch.heapIndex = -1;
    if (this.heap.size === 0 && watch.dueMs === this.armedForMs && this.armedForMs - this.clock.now() > IDLE_TIMER_KEPT_MS)
      this.keepAlive(false);
  }

  private arm(deadlineMs: number): void {
    this.timer?.dispose();
    this.armedForMs = deadlineMs;
    this.timer = this.clock.setTimer(() => this.fire(), deadlineMs - this.clock.now());
    this.keepsAlive = true;
  }

  private keepAlive(keep: boolean): void {
    this.timer?.keepAlive(keep);
    this.keepsAlive = keep;
  }

  private fire(): void {
    this.timer = undefined;
    this.armedForMs = Number.POSITIVE_INFINITY;
    // Most firings find the call they were set for settled long ago: re-arm at once, without the
    // extra event-loop turn that judging an expiry takes. A deadline is judged only once the clock
    // has reached it: Node keeps timers in whole milliseconds of its loop's clock, so a timer fires
    // up to about 1.5 ms before performance.now() reaches its time (measured on a line here: 63 % of
    // the deadline timer's firings early, 10 % by 0.8 ms or more), and judged then, an answer still
    // inside its budget would count as the drive's silence. Such a deadline is simply armed again.
    const next = this.heap.peek();
    if (!next) return;
    const nowMs = this.clock.now();
    if (next.dueMs <= nowMs) this.clock.afterPendingInput(() => this.expireDue());
    else this.arm(next.dueMs);
  }

  /** Expires every deadline the clock has reached (read again: the input waiting was read meanwhile). */
  private expireDue(): void {
    const nowMs = this.clock.now();
    for (let due = this.heap.peek(); due && due.dueMs <= nowMs; due = this.heap.peek()) {
      this.heap.pop();
      due.heapIndex = -1;
      due.expire();
    }
    const next = this.heap.peek();
    if (next && next.dueMs < this.armedForMs) this.arm(next.dueMs);
  }
}

const boards = new WeakMap<Clock, DeadlineBoard>();

function boardOf(clock: Clock): DeadlineBoard {
  let board = boards.get(clock);
  if (!board) {
    board = new DeadlineBoard(clock);
    boards.set(clock, board);
  }
  return board;
}

/**
 * Calls `expire` once `deadlineMs` (absolute, on `clock`) has passed, unless disposed first; for a
 * call that has settled, dispose at once. Costs a heap entry, no timer of its own (see DeadlineBoard).
 */
export function watchDeadline(clock: Clock, deadlineMs: number, expire: () => void): Disposable {
  const board = boardOf(clock);
  const watch = board.watch(deadlineMs, expire);
  return { dispose: () => board.unwatch(watch) };
}

/**
 * Races `work` against `deadlineMs` (absolute, on `clock`). When the deadline passes first, the
 * promise rejects with `onTimeout()` (judged as the deadline is) and a late answer of `work`,
 * whenever it comes, is ignored, so it can never be taken for a newer one; a late failure is
 * swallowed, unless it comes within one timer turn (below). All deadlines on a clock share one timer
 * (see DeadlineBoard).
 *
 * A failure of `work` that comes within one timer turn of the deadline is heard instead of the
 * timeout: the work's own deadline, due in the same instant (or in the same late pass after a stall
 * of ours) but watched since later, fails it a few promise reactions after this one expires, and its
 * verdict (refused, cut short by our own delay, no answer from the drive) is the more exact one; in
 * real time that turn (about 1 ms) also lets in a failure that arrives meanwhile (a late exception
 * answer, say), equally a verdict on the call. So the timeout's rejection waits for the next timer
 * turn; a success after the deadline never wins.
 */
export function withDeadline<T>(clock: Clock, work: Promise<T>, deadlineMs: number, onTimeout: () => Error): Promise<T> {
  const board = boardOf(clock);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    /** Set once the deadline has passed: the turn the timeout's rejection waits for. */
    let timeoutTurn: ClockTimer | undefined;
    const watch = board.watch(deadlineMs, () => {
      const timeout = onTimeout();
      timeoutTurn = clock.setTimer(() => {
        if (settled) return;
        settled = true;
        reject(timeout);
      }, 0);
    });
    work.then(
      (value) => {
        if (settled || timeoutTurn !== undefined) return;
        settled = true;
        board.unwatch(watch);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        board.unwatch(watch);
        timeoutTurn?.dispose();
        reject(error);
      },
    );
  });
}
