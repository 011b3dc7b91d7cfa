import type { BusPriority, BusScheduler } from '../../protocols/bus-scheduler.ts';
import type { AnswerRule, ServoBusMaster } from '../../protocols/bus-servo/servo-bus-master.ts';
import type { ServoFrame } from '../../protocols/bus-servo/servo-frame.ts';
import type { Clock } from '../../src/common/clock.ts';
import { requireFinite } from '../../src/common/require-finite.ts';
import { toDriveError } from '../comm-errors.ts';
import { DriveCommError } from '../errors.ts';
import { ExchangeRetry } from '../exchange-retry.ts';
import { LinkStats } from '../link-stats.ts';

/** Exchanges with one servo within one bus slot, bound to the slot's deadline. */
export interface ServoIo {
  /** Sends `request` and resolves with its answer; retried when corrupt or missing, within the deadline (reads are harmless to repeat). */
  ask(request: Uint8Array, answer: AnswerRule): Promise<ServoFrame>;
  /** Sends `frame`, which gets no answer (an LX write). Never repeated. */
  send(frame: Uint8Array): Promise<void>;
}

/**
 * One servo on a shared bus-servo line, as its driver sees it: every exchange through the bus
 * scheduler at a priority, bounded by the caller's deadline, retried by the one ExchangeRetry rule,
 * transport errors mapped to DriveCommError, retries and answer times kept in LinkStats.
 */
export class ServoChannel {
  readonly link: LinkStats;
  private readonly retry: ExchangeRetry;
  private closed = false;

  constructor(
    private readonly master: ServoBusMaster,
    private readonly scheduler: BusScheduler,
    private readonly clock: Clock,
    /** Starts every error message, e.g. `wrist (id 1)`. */
    private readonly label: string,
    maxRetries: number,
  ) {
    this.retry = new ExchangeRetry(clock, maxRetries);
    this.link = new LinkStats(this.retry.retries);
  }

  /** Later calls reject with DriveCommError 'port_lost'; the line belongs to the composition root. */
  close(): void {
    this.closed = true;
  }

  /**
   * A poll read made together with other servos' (`together`: one SYNC_READ for the line, outside
   * this channel's slots); when its answer is corrupt or missing and the one retry rule allows, made
   * again alone (`alone`, in a slot of its own, `aloneBudgetMs` its longest time on the line), that
   * repetition counting as the first retry.
   */
  async readTogether<T>(
    deadlineMs: number,
    together: () => Promise<{ readonly value: T; readonly answerMs: number }>,
    alone: (io: ServoIo) => Promise<T>,
    aloneBudgetMs: number,
  ): Promise<T> {
    if (this.closed) throw new DriveCommError('port_lost', `${this.label}: readStatus on a closed driver`);
    try {
      const { value, answerMs } = await together();
      this.link.lastReadMs = answerMs;
      return value;
    } catch (error) {
      if (!this.retry.admit(error, deadlineMs, () => aloneBudgetMs)) throw toDriveError(error, `${this.label}: readStatus`);
      return this.run('poll', deadlineMs, 'readStatus', alone, 1);
    }
  }

  /**
   * Runs `work` in one bus slot: nothing else goes on the line between its exchanges. `what` names
   * the operation in errors; `retriesDone` are retries its exchanges have had already (readTogether).
   */
  run<T>(priority: BusPriority, deadlineMs: number, what: string, work: (io: ServoIo) => Promise<T>, retriesDone = 0): Promise<T> {
    requireFinite('deadlineMs', deadlineMs);
    if (this.closed) return Promise.reject(new DriveCommError('port_lost', `${this.label}: ${what} on a closed driver`));
    const { master, clock } = this;
    const io: ServoIo = {
      ask: async (request, answer) => {
        const sentAtMs = clock.now();
        const frame = await this.retry.run(
          () => master.transact(request, answer, deadlineMs),
          true,
          deadlineMs,
          () => master.exchangeBudgetMs(request.length, answer.answerBytes),
          retriesDone,
        );
        this.link.lastReadMs = clock.now() - sentAtMs;
        return frame!;
      },
      send: async (frame) => {
        await master.transact(frame, undefined, deadlineMs);
      },
    };
    return this.scheduler
      .submit(priority, deadlineMs, () => work(io))
      .catch((error: unknown) => {
        throw toDriveError(error, `${this.label}: ${what}`);
      });
  }
}

/** A move as commanded to a servo that reports no profile of its own: from, to, when, and how long at constant speed. */
export interface CommandedMove {
  readonly fromMm: number;
  readonly toMm: number;
  readonly startMs: number;
  readonly durationMs: number;
}

/** Where a constant-speed move stands at `nowMs`. */
export function setpointOf(move: CommandedMove, nowMs: number): number {
  if (move.durationMs <= 0 || nowMs >= move.startMs + move.durationMs) return move.toMm;
  const share = Math.max(0, (nowMs - move.startMs) / move.durationMs);
  return move.fromMm + (move.toMm - move.fromMm) * share;
}
