import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExchangeRetry } from '../../drivers/exchange-retry.ts';
import { ModbusCrcError, ModbusExceptionError, ModbusGarbledError, ModbusTimeoutError } from '../../protocols/errors.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { settle } from '../support/settle.ts';

/** How one attempt ends, after `ms` on the line (never longer than the exchange's budget, as a transport guarantees). */
const attemptOutcome = fc.record({
  ms: fc.double({ min: 0, max: 1, noNaN: true }),
  end: fc.constantFrom('ok', 'crc', 'garbled', 'timeout', 'queue', 'exception'),
});

const errorFor = (end: string): Error | undefined => {
  switch (end) {
    case 'crc':
      return new ModbusCrcError('bad CRC');
    case 'garbled':
      return new ModbusGarbledError('garbled');
    case 'timeout':
      return new ModbusTimeoutError('response', 'no answer');
    case 'queue':
      return new ModbusTimeoutError('queue', 'never got the line');
    case 'exception':
      return new ModbusExceptionError(3, 2);
    default:
      return undefined;
  }
};

describe('ExchangeRetry', () => {
  it('never starts an attempt the deadline cannot cover, never tries more than 1 + maxRetries times, and retries only corrupt or missing answers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(attemptOutcome, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 4 }),
        fc.double({ min: 0.5, max: 30, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        async (outcomes, maxRetries, budgetMs, deadlineInMs) => {
          const clock = new VirtualClock();
          const retry = new ExchangeRetry(clock, maxRetries);
          const deadlineMs = deadlineInMs;
          const starts: number[] = [];
          const ends: string[] = [];
          const send = async () => {
            const { ms, end } = outcomes[Math.min(starts.length, outcomes.length - 1)]!;
            starts.push(clock.now());
            // Like a transport: the attempt holds the line at most its budget, and never past the deadline.
            await clock.sleep(Math.min(ms * budgetMs, Math.max(0, deadlineMs - clock.now())));
            ends.push(end);
            const error = errorFor(end);
            if (error) throw error;
            return 'answer';
          };
          const outcome = await settle(
            clock,
            retry.run(send, true, deadlineMs, () => budgetMs),
          );

          expect(starts.length).toBeLessThanOrEqual(1 + maxRetries);
          for (const startMs of starts.slice(1)) expect(startMs + budgetMs).toBeLessThanOrEqual(deadlineMs);
          // Every attempt but the last failed in a way worth repeating.
          for (const end of ends.slice(0, -1)) expect(['crc', 'garbled', 'timeout']).toContain(end);
          if (starts.length > 1) expect(outcome.atMs).toBeLessThanOrEqual(deadlineMs);
          expect(outcome.ok).toBe(ends.at(-1) === 'ok');
          const counted = retry.retries.crc + retry.retries.garbled + retry.retries.timeout;
          expect(counted).toBe(starts.length - 1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sends a non-repeatable exchange once, whatever happens', async () => {
    const clock = new VirtualClock();
    const retry = new ExchangeRetry(clock, 3);
    let sent = 0;
    const outcome = await settle(
      clock,
      retry.run(
        async () => {
          sent++;
          throw new ModbusCrcError('bad CRC');
        },
        false,
        100,
        () => 1,
      ),
    );
    expect(outcome.ok).toBe(false);
    expect(sent).toBe(1);
  });
});
