import { isModbusCrcError, isModbusGarbledError, isModbusTimeoutError } from '../protocols/errors.ts';
import type { Clock } from '../src/common/clock.ts';
import type { RetryCause, RetryCounts } from './contract.ts';

/**
 * Bounded retry of one exchange, decided here and nowhere else: an exchange whose answer was corrupt
 * (CRC, garbled) or missing is sent again, at most `maxRetries` times, only when
 * - repeating it is harmless: a read, or a write of absolute values (a target, a speed, a timeout);
 *   never a write that starts something on an edge (the control word), which the caller says with
 *   `repeatable`;
 * - and the deadline still covers one more whole exchange (`budgetMs`: its wire time plus the
 *   bus's slack, the longest it can hold the line), so a retry never runs past the caller's deadline
 *   nor is cut short by it.
 * Other failures (a Modbus exception: the drive refused; our own delay; a lost port) are never
 * retried. Each retry is counted by cause; a retried success is a success for the caller.
 */
export class ExchangeRetry {
  private readonly counts: Record<RetryCause, number> = { crc: 0, garbled: 0, timeout: 0 };

  constructor(
    private readonly clock: Clock,
    /** Retries per exchange; 0 turns retrying off. */
    private readonly maxRetries: number,
  ) {
    if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new RangeError(`maxRetries must be a whole number >= 0, got ${maxRetries}`);
  }

  /** Retries so far, by cause. */
  get retries(): RetryCounts {
    return this.counts;
  }

  /**
   * Sends `send()` and, on a corrupt or missing answer, again while the rules above allow. Not async:
   * when nothing may be retried (most writes, retry off) the exchange passes straight through.
   * `budgetMs` is asked only after a failure, so a good exchange costs nothing to price.
   */
  run<T>(send: () => Promise<T>, repeatable: boolean, deadlineMs: number, budgetMs: () => number, done = 0): Promise<T> {
    if (!repeatable || done >= this.maxRetries) return send();
    return this.attempt(send, deadlineMs, budgetMs, done);
  }

  /**
   * Whether an exchange that failed with `error`, after `done` retries, may be sent again now (the
   * rules above); counted as a retry when it may. For an attempt made elsewhere (a read gathered with
   * other servos' into one request) whose repetition the caller sends itself, through `run` with `done`.
   */
  admit(error: unknown, deadlineMs: number, budgetMs: () => number, done = 0): boolean {
    const cause = retryCause(error);
    if (cause === undefined || done >= this.maxRetries || this.clock.now() + budgetMs() > deadlineMs) return false;
    this.counts[cause]++;
    return true;
  }

  private attempt<T>(send: () => Promise<T>, deadlineMs: number, budgetMs: () => number, done: number): Promise<T> {
    return send().catch((error: unknown) => {
      if (!this.admit(error, deadlineMs, budgetMs, done)) throw error;
      return this.attempt(send, deadlineMs, budgetMs, done + 1);
    });
  }
}

/** Why a failed exchange may be worth repeating, or undefined when it is not (see ExchangeRetry). */
export function retryCause(error: unknown): RetryCause | undefined {
  if (isModbusCrcError(error)) return 'crc';
  if (isModbusGarbledError(error)) return 'garbled';
  // Only silence from the drive; a request that never got the line, or our own delay, says nothing a retry could fix.
  if (isModbusTimeoutError(error) && error.stage === 'response') return 'timeout';
  return undefined;
}
