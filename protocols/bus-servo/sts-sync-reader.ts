import type { Clock } from '../../src/common/clock.ts';
import { watchDeadline } from '../../src/common/deadline.ts';
import type { Disposable } from '../../src/common/disposable.ts';
import type { BusScheduler } from '../bus-scheduler.ts';
import { ModbusTimeoutError } from '../errors.ts';
import type { ServoBusMaster } from './servo-bus-master.ts';
import type { ServoFrame } from './servo-frame.ts';
import { isStsStatus, stsStatusBytes, stsSyncRead } from './sts-protocol.ts';

/** One servo's answer to a gathered read: its error byte, the block's bytes, and how long after the answer before it (the request, for the first) it came. */
export interface GatheredBlock {
  readonly error: number;
  readonly data: Uint8Array;
  readonly answerMs: number;
}

export interface SyncReadCounters {
  /** SYNC_READ requests sent. */
  readonly exchanges: number;
  /** Servo reads they carried (answered or not). */
  readonly reads: number;
}

interface Waiting {
  readonly id: number;
  readonly deadlineMs: number;
  readonly resolve: (block: GatheredBlock) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The poll reads of one Feetech line's servos, gathered into one SYNC_READ of the same register
 * block: a read asked for while the line is busy (or in the same turn of the event loop as others,
 * as the supervision cycle asks for every axis at its tick) waits for the next request, which reads
 * every servo waiting then. One request instead of one per servo, and the answers come back to back:
 * at 1 Mbps the request and turnaround dominate a single read's time on the line.
 *
 * Each servo's read settles on its own: as soon as its answer arrives, or with the exchange's error
 * once the budget for all the answers is over (or at its own deadline, if that comes first), so one
 * silent servo costs its neighbours nothing but the line's time. A read whose deadline passed before the request went out is refused as a queued
 * request is ('queue'). The request goes through the bus scheduler at poll priority, ordered by the
 * earliest deadline of the reads it carries.
 */
export class StsSyncReader {
  private waiting: Waiting[] = [];
  private readonly count = { exchanges: 0, reads: 0 };

  constructor(
    private readonly master: ServoBusMaster,
    private readonly scheduler: BusScheduler,
    private readonly clock: Clock,
    /** The register block every read covers (address, length). */
    private readonly block: { readonly address: number; readonly length: number },
  ) {}

  get counters(): SyncReadCounters {
    return { ...this.count };
  }

  /** Reads servo `id`'s block together with the others waiting; rejects with the transport's error for this servo. */
  read(id: number, deadlineMs: number): Promise<GatheredBlock> {
    return new Promise<GatheredBlock>((resolve, reject) => {
      this.waiting.push({ id, deadlineMs, resolve, reject });
      // The request is handed to the scheduler a microtask later, so reads that arrive in the same
      // hop go together: the cycle's axes on the same code path do; one that comes later (another
      // path, more hops) goes in the next request, which costs line time, not correctness.
      if (this.waiting.length === 1) queueMicrotask(() => this.submit());
    });
  }

  /** Hands the scheduler one request for the reads waiting, due by the earliest of their deadlines. */
  private submit(): void {
    const deadlineMs = Math.min(...this.waiting.map((read) => read.deadlineMs));
    this.scheduler
      .submit('poll', deadlineMs, () => this.readWaiting())
      .catch((error: unknown) => {
        // The request never got the line (its deadline passed while queued, or the line closed): the
        // reads whose own deadline has passed fail with it, the others go in the next request.
        const nowMs = this.clock.now();
        const waiting = this.waiting;
        this.waiting = [];
        const failed = error instanceof Error ? error : new Error(String(error));
        for (const read of waiting) {
          if (read.deadlineMs <= nowMs || !(error instanceof ModbusTimeoutError)) read.reject(failed);
          else this.waiting.push(read);
        }
        if (this.waiting.length > 0) this.submit();
      });
  }

  /** Sends one SYNC_READ for every read waiting now; resolves when the exchange is over (each read settled). */
  private readWaiting(): Promise<void> {
    const nowMs = this.clock.now();
    const reads: Waiting[] = [];
    for (const read of this.waiting) {
      if (read.deadlineMs > nowMs) reads.push(read);
      else read.reject(new ModbusTimeoutError('queue', 'deadline passed before the SYNC_READ was sent'));
    }
    this.waiting = [];
    if (reads.length === 0) return Promise.resolve();
    const { address, length } = this.block;
    const answers = reads.map(({ id }) => ({
      isAnswer: (frame: ServoFrame) => isStsStatus(frame, id, length),
      answerBytes: stsStatusBytes(length),
    }));
    const settled = reads.map(() => false);
    const request = stsSyncRead(
      reads.map((read) => read.id),
      address,
      length,
    );
    const deadlineMs = Math.max(...reads.map((read) => read.deadlineMs));
    // The exchange ends by the latest deadline or its wire budget: a read due before that settles by
    // its own deadline (usually none is: the budget ends first).
    const exchangeEndsAtMs = Math.min(
      deadlineMs,
      nowMs + this.master.exchangeBudgetMs(request.length, reads.length * stsStatusBytes(length)),
    );
    const ownDeadlines: Disposable[] = [];
    for (const [i, read] of reads.entries()) {
      if (read.deadlineMs >= exchangeEndsAtMs) continue;
      const expire = () => {
        if (settled[i]) return;
        settled[i] = true;
        read.reject(new ModbusTimeoutError('response', 'no answer to the SYNC_READ by the deadline'));
      };
      ownDeadlines.push(watchDeadline(this.clock, read.deadlineMs, expire));
    }
    // A servo's answer time runs from the previous answer (the request, for the first): its own
    // turnaround and bytes, not its neighbours' before it in the list.
    let lineFreeAtMs = nowMs;
    this.count.exchanges++;
    this.count.reads += reads.length;
    return this.master
      .gather(request, answers, deadlineMs, (index, frame) => {
        const atMs = this.clock.now();
        const answerMs = atMs - lineFreeAtMs;
        lineFreeAtMs = atMs;
        if (settled[index]) return;
        settled[index] = true;
        reads[index]!.resolve({ error: frame.body[0]!, data: frame.body.subarray(1), answerMs });
      })
      .catch((error: unknown) => {
        const failed = error instanceof Error ? error : new Error(String(error));
        for (const [i, read] of reads.entries()) if (!settled[i]) read.reject(failed);
      })
      .finally(() => {
        for (const watch of ownDeadlines) watch.dispose();
      });
  }
}
