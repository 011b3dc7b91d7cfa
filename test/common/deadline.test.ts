import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/common/clock.ts';
import { watchDeadline, withDeadline } from '../../src/common/deadline.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';

const SRC = join(import.meta.dirname, '../../src/common');

/** A virtual clock that counts the timers set on it. */
class CountingClock extends VirtualClock implements Clock {
  timersSet = 0;

  override setTimer(callback: () => void, delayMs: number) {
    this.timersSet++;
    return super.setTimer(callback, delayMs);
  }
}

/**
 * A virtual clock whose timers fire `earlyMs` before their time, as Node's do (whole milliseconds of
 * the loop's clock: up to about 1.5 ms before performance.now() gets there); a delay no longer than
 * that fires on time.
 */
class EarlyTimersClock extends VirtualClock implements Clock {
  constructor(private readonly earlyMs: number) {
    super();
  }

  override setTimer(callback: () => void, delayMs: number) {
    return super.setTimer(callback, delayMs > this.earlyMs ? delayMs - this.earlyMs : delayMs);
  }
}

/** A promise and the function that resolves it. */
function answerLater<T>(): { promise: Promise<T>; answer: (value: T) => void } {
  let answer!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (answer = resolve));
  return { promise, answer };
}

/** How and when `raced` settled, on `clock`. */
const outcomeOf = (clock: Clock, raced: Promise<unknown>): Promise<string> =>
  raced.then(
    (value) => `resolved ${String(value)} at ${clock.now()}`,
    (error: Error) => `rejected ${error.message} at ${clock.now()}`,
  );

describe('withDeadline', () => {
  it('rejects at the deadline and ignores the late answer', async () => {
    const clock = new VirtualClock();
    const { promise, answer } = answerLater<number>();
    const outcome = outcomeOf(
      clock,
      withDeadline(clock, promise, 10, () => new Error('late')),
    );
    await clock.advanceTo(10);
    answer(42);
    expect(await outcome).toBe('rejected late at 10');
  });

  it('passes on a rejection that comes in time and swallows one that comes late', async () => {
    const clock = new VirtualClock();
    const early = withDeadline(clock, Promise.reject(new Error('refused')), 10, () => new Error('late'));
    expect(await outcomeOf(clock, early)).toBe('rejected refused at 0');
    let rejectLate!: (error: Error) => void;
    const late = new Promise<number>((_, reject) => (rejectLate = reject));
    const outcome = outcomeOf(
      clock,
      withDeadline(clock, late, 10, () => new Error('late')),
    );
    await clock.advanceTo(20);
    rejectLate(new Error('too late to matter'));
    await clock.advanceBy(1);
    expect(await outcome).toBe('rejected late at 10');
  });

  it('resolves with an answer that comes in time and leaves nothing behind once its deadline has passed', async () => {
    const clock = new VirtualClock();
    expect(await withDeadline(clock, Promise.resolve(7), 10, () => new Error('late'))).toBe(7);
    await clock.advanceTo(11);
    expect(clock.pendingTimers).toBe(0);
  });

  it('expires a deadline already past on the next timer turn, unless the answer is already there', async () => {
    const clock = new VirtualClock(100);
    const answered = outcomeOf(
      clock,
      withDeadline(clock, Promise.resolve('ok'), 50, () => new Error('late')),
    );
    const pending = outcomeOf(
      clock,
      withDeadline(clock, answerLater().promise, 50, () => new Error('late')),
    );
    await clock.advanceBy(0);
    expect(await answered).toBe('resolved ok at 100');
    expect(await pending).toBe('rejected late at 100');
  });

  it("hears the work's own failure, due at the same instant but watched since later, instead of the timeout", async () => {
    // A bus call that got the bus just before its deadline: its exchange's deadline, set then, cuts it short.
    const clock = new VirtualClock();
    const work = clock.sleep(7).then(
      () =>
        new Promise<never>((_, reject) => {
          watchDeadline(clock, 10, () => reject(new Error('cut short by our own delay')));
        }),
    );
    const outcome = outcomeOf(
      clock,
      withDeadline(
        clock,
        work.then((v) => v),
        10,
        () => new Error('no answer'),
      ),
    );
    await clock.advanceTo(10);
    expect(await outcome).toBe('rejected cut short by our own delay at 10');
  });

  it('never takes an answer that comes after the deadline, even in the same instant', async () => {
    const clock = new VirtualClock();
    const work = new Promise<string>((resolve) => clock.sleep(7).then(() => watchDeadline(clock, 10, () => resolve('answer'))));
    const outcome = outcomeOf(
      clock,
      withDeadline(clock, work, 10, () => new Error('late')),
    );
    await clock.advanceTo(10);
    expect(await outcome).toBe('rejected late at 10');
  });

  it('expires deadlines due at the same instant in the order they were set', async () => {
    const clock = new VirtualClock();
    const order: string[] = [];
    for (const name of ['first', 'second', 'third']) {
      withDeadline(clock, answerLater().promise, 10, () => new Error(name)).catch((error: Error) => order.push(error.message));
    }
    await clock.advanceTo(10);
    expect(order).toEqual(['first', 'second', 'third']);
  });

  it('shares one timer among sequential calls instead of setting one per call', async () => {
    const clock = new CountingClock();
    for (let i = 0; i < 1000; i++) {
      await withDeadline(clock, Promise.resolve(i), clock.now() + 20, () => new Error('late'));
      await clock.advanceBy(0.1);
    }
    // 100 ms of calls with a 20 ms deadline: the timer fires about every 20 ms and is set again.
    expect(clock.timersSet).toBeLessThanOrEqual(10);
  });

  it('rejects exactly the calls whose answer comes after their deadline, each at its own deadline (property)', async () => {
    // Deadlines and answers on whole and half milliseconds never tie, so the expected outcome is plain.
    const call = fc.record({
      deadlineMs: fc.integer({ min: 0, max: 50 }),
      answerMs: fc.integer({ min: 0, max: 50 }).map((ms) => ms + 0.5),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 30 }), async (calls) => {
        const clock = new VirtualClock();
        const outcomes = calls.map(({ deadlineMs, answerMs }, i) => {
          const { promise, answer } = answerLater<number>();
          clock.setTimer(() => answer(i), answerMs);
          return outcomeOf(
            clock,
            withDeadline(clock, promise, deadlineMs, () => new Error('late')),
          );
        });
        await clock.advanceTo(60);
        const expected = calls.map(({ deadlineMs, answerMs }, i) =>
          answerMs < deadlineMs ? `resolved ${i} at ${answerMs}` : `rejected late at ${deadlineMs}`,
        );
        expect(await Promise.all(outcomes)).toEqual(expected);
      }),
    );
  });
});

describe('deadlines on timers that fire early', () => {
  it('judges a deadline only once the clock has reached it: an answer in its last 1.5 ms is not expired', async () => {
    const clock = new EarlyTimersClock(1.5);
    const expiredAt: number[] = [];
    const watch = watchDeadline(clock, 10, () => expiredAt.push(clock.now()));
    await clock.advanceTo(9.9); // its timer fired at 8.5
    expect(expiredAt).toEqual([]);
    watch.dispose(); // the answer, 0.1 ms before the deadline
    await clock.advanceTo(20);
    expect(expiredAt).toEqual([]);
  });

  it('expires it at its time when no answer comes, and rejects the call then', async () => {
    const clock = new EarlyTimersClock(1.5);
    const expiredAt: number[] = [];
    watchDeadline(clock, 10, () => expiredAt.push(clock.now()));
    const outcome = outcomeOf(
      clock,
      withDeadline(clock, answerLater().promise, 10, () => new Error('late')),
    );
    await clock.advanceTo(20);
    expect(expiredAt).toEqual([10]);
    expect(await outcome).toBe('rejected late at 10');
  });
});

describe('withDeadline in real time, as the process sees it', () => {
  /** Runs `body` (a module body with `withDeadline` and `clock` in scope) in a fresh Node; returns its stdout and wall time. */
  function runNode(body: string): { stdout: string; wallMs: number } {
    const script = [
      `import { RealClock } from ${JSON.stringify(join(SRC, 'clock.ts'))};`,
      `import { withDeadline } from ${JSON.stringify(join(SRC, 'deadline.ts'))};`,
      'const clock = new RealClock();',
      body,
    ].join('\n');
    const started = performance.now();
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (result.status !== 0) throw new Error(`node exited with ${result.status}: ${result.stderr}`);
    return { stdout: result.stdout.trim(), wallMs: performance.now() - started };
  }

  it('keeps the process alive while a deadline is pending, and fires it', () => {
    const { stdout } = runNode(
      "withDeadline(clock, new Promise(() => {}), clock.now() + 300, () => new Error('late')).catch((e) => console.log(e.message));",
    );
    expect(stdout).toBe('late');
  });

  it('does not hold up the exit once every call has settled, however far its deadline was', () => {
    const { stdout, wallMs } = runNode(
      "console.log(await withDeadline(clock, Promise.resolve('answered'), clock.now() + 8000, () => new Error('late')));",
    );
    expect(stdout).toBe('answered');
    // Node's start-up takes well under a second; a timer kept alive for the deadline would take 8.
    expect(wallMs).toBeLessThan(6000);
  });
});
