import type { Clock } from '../../src/common/clock.ts';
import { EventEmitter, type Event } from '../../src/common/event.ts';
import { watchDeadline } from '../../src/common/deadline.ts';
import { ownDelay } from '../../src/common/own-delay.ts';
import { ModbusCrcError, ModbusGarbledError, ModbusTimeoutError, PortClosedError } from '../errors.ts';
import { zeroCounters, type ModbusMasterCounters } from '../modbus-master.ts';
import { frameTimeMs } from '../rtu-timing.ts';
import { serialPortOpener, type OpenSerialLink } from '../serial-link.ts';
import { SerialPortHolder } from '../serial-port-holder.ts';
import { ServoFrameExtractor, type FrameFormat, type ServoFrame } from './servo-frame.ts';

export interface ServoBusOptions {
  readonly path: string;
  readonly baudRate: number;
  readonly format: FrameFormat;
  readonly clock: Clock;
  /** Added to the wire time of request and answer: the servo's turnaround. Default 20 ms. */
  readonly slackMs?: number;
  /**
   * The adapter echoes what we send (a one-wire TTL bus whose receiver hears the transmitter, as many
   * USB bus-servo adapters do): the first bytes after a request must be the request itself, and are
   * dropped. A differing echo is a collision on the line. Default false.
   */
  readonly echo?: boolean;
  /** How the port is opened; default serialport. Tests hand in a fake. */
  readonly openLink?: OpenSerialLink;
}

/** What an exchange waits for: the answer `isAnswer` accepts (`answerBytes` long on the wire), or nothing (a write). */
export interface AnswerRule {
  readonly isAnswer: (frame: ServoFrame) => boolean;
  readonly answerBytes: number;
}

/**
 * The line's counts, under the names a Modbus master's have (ModbusMasterCounters: the metrics and
 * the live page read both alike; a bad checksum is a crcError, a differing echo is garbled, and
 * servos send no exception answers), plus the stray frames.
 */
export interface ServoBusCounters extends ModbusMasterCounters {
  /** Checksum-valid frames that answered no exchange in progress (a late answer, another servo's): dropped. */
  readonly strayFrames: number;
}

/** One exchange on the line, timed: from the request going out to its last answer or failure. */
export interface ServoExchange {
  readonly durationMs: number;
  readonly ok: boolean;
}

/** 8 data bits, no parity, 1 stop bit: what every bus servo speaks. */
const BITS_PER_CHAR = 10;
/** Longest wait for the line to fall silent after a failed exchange. */
const MAX_QUIET_WAIT_MS = 50;

/** The exchange on the wire: it owns the bytes that arrive until it settles. */
interface Exchange {
  onData(chunk: Uint8Array): void;
  fail(error: Error): void;
}

/**
 * The master of one half-duplex bus-servo line (LX or Feetech framing, `format`): one exchange at a
 * time (the bus scheduler queues them), each bounded by the caller's deadline and by its own wire
 * budget (request and answer at the baud rate, plus the slack), so a silent servo holds the line for
 * one budget. An answer must come from the addressed servo, match the request (`isAnswer`) and have
 * a valid checksum; other frames are dropped. After a failed exchange the line is given until it has
 * been silent for two character times (lineSettled, which the bus scheduler waits for) and what came
 * meanwhile is thrown away, and a valid frame that is not the answer awaited (a late answer of another
 * servo or of an earlier read) is dropped too, so a late answer is never taken for the next one. The servo protocols have
 * no transaction id; the drivers only ever repeat the same reads, as on Modbus RTU.
 *
 * It fails with the transport errors of protocols/errors.ts, named for Modbus but meaning the same
 * here: ModbusTimeoutError (no answer), ModbusCrcError (bad checksum), ModbusGarbledError (an echo
 * that differs from what was sent), PortClosedError.
 */
export class ServoBusMaster {
  private readonly port: SerialPortHolder;
  private readonly slackMs: number;
  private exchange: Exchange | undefined;
  private recovering: Promise<void> | undefined;
  private readonly count = { ...zeroCounters(), strayFrames: 0 };
  private readonly exchanges = new EventEmitter<ServoExchange>();
  /** Each exchange's duration and outcome (metrics); costs nothing while nobody listens. */
  readonly onExchange: Event<ServoExchange> = this.exchanges.event;

  constructor(private readonly options: ServoBusOptions) {
    this.slackMs = options.slackMs ?? 20;
    this.port = new SerialPortHolder(
      { path: options.path, baudRate: options.baudRate, parity: 'none', stopBits: 1 },
      options.clock,
      options.openLink ?? serialPortOpener(options.clock),
      (chunk) => {
        if (this.exchange) this.exchange.onData(chunk);
        else this.count.discardedBytes += chunk.length;
      },
      (error) => this.exchange?.fail(error),
    );
  }

  get onPortLost() {
    return this.port.onPortLost;
  }

  get isOpen(): boolean {
    return this.port.isOpen;
  }

  get counters(): ServoBusCounters {
    return { ...this.count };
  }

  open(): Promise<void> {
    return this.port.open();
  }

  reopen(): Promise<void> {
    return this.port.reopen();
  }

  close(): Promise<void> {
    return this.port.close();
  }

  /** The longest an exchange of `requestBytes` and an `answerBytes` answer holds the line: wire time (with the echo) plus slack. */
  exchangeBudgetMs(requestBytes: number, answerBytes: number): number {
    const echoed = this.options.echo ? requestBytes : 0;
    return frameTimeMs(requestBytes + echoed + answerBytes, this.options.baudRate, BITS_PER_CHAR) + this.slackMs;
  }

  /** While the line recovers from a failed exchange: a promise; the bus scheduler waits for it. */
  lineSettled(): Promise<void> | undefined {
    return this.recovering;
  }

  /**
   * Sends `request` and resolves with its answer (`answer`'s rule), or with undefined for a write
   * (no answer: once its bytes, and their echo, have had their time on the wire).
   */
  transact(request: Uint8Array, answer: AnswerRule | undefined, deadlineMs: number): Promise<ServoFrame | undefined> {
    if (!answer) return this.exchangeOf(request, [], deadlineMs, undefined).then(() => undefined);
    let found: ServoFrame | undefined;
    return this.exchangeOf(request, [answer], deadlineMs, (_, frame) => {
      found = frame;
    }).then(() => found);
  }

  /**
   * Sends `request`, which several servos answer one after another (a Feetech SYNC_READ), each
   * answer accepted by one of `answers`: `onAnswer(i, frame)` as the answer of rule i arrives.
   * Resolves once all have; rejects (no answer, bad checksum) once the exchange's budget for all of
   * them is over with any still missing, the ones that did arrive having been handed over.
   */
  gather(
    request: Uint8Array,
    answers: readonly AnswerRule[],
    deadlineMs: number,
    onAnswer: (index: number, frame: ServoFrame) => void,
  ): Promise<void> {
    if (answers.length === 0) return Promise.reject(new RangeError('gather needs at least one answer rule'));
    return this.exchangeOf(request, answers, deadlineMs, onAnswer);
  }

  /** One exchange on the wire: `request`, then each of `answers` once (none: a write), within its budget and the deadline. */
  private exchangeOf(
    request: Uint8Array,
    answers: readonly AnswerRule[],
    deadlineMs: number,
    onAnswer: ((index: number, frame: ServoFrame) => void) | undefined,
  ): Promise<void> {
    const link = this.port.openLinkOrError();
    if (link instanceof PortClosedError) return Promise.reject(link);
    if (this.exchange) return Promise.reject(new Error('ServoBusMaster: one exchange at a time (use the bus scheduler)'));
    const clock = this.options.clock;
    if (clock.now() >= deadlineMs) {
      this.count.queueTimeouts++;
      return Promise.reject(new ModbusTimeoutError('queue', 'deadline passed before the request was sent'));
    }
    let answerBytes = 0;
    for (const answer of answers) answerBytes += answer.answerBytes;
    const budgetMs = this.exchangeBudgetMs(request.length, answerBytes);
    const sentAtMs = clock.now();
    const wireDeadlineMs = sentAtMs + budgetMs;
    const dueMs = Math.min(deadlineMs, wireDeadlineMs);
    const isWrite = answers.length === 0;
    return new Promise<void>((resolve, reject) => {
      const extractor = new ServoFrameExtractor(this.options.format);
      const answered = answers.map(() => false);
      let missing = answers.length;
      let echoLeft = this.options.echo ? request.length : 0;
      let settled = false;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        timer?.dispose();
        if (this.exchange === exchange) this.exchange = undefined;
        const framed = extractor.counters;
        this.count.crcErrors += framed.checksumErrors;
        if (this.exchanges.hasListeners) this.exchanges.emit({ durationMs: clock.now() - sentAtMs, ok: error === undefined });
        this.count.discardedBytes += framed.garbageBytes + extractor.discard();
        if (error && !(error instanceof PortClosedError)) this.recover();
        if (error) reject(error);
        else resolve();
      };
      const take = (frame: ServoFrame): void => {
        const index = answers.findIndex((answer, i) => !answered[i] && answer.isAnswer(frame));
        // A valid frame that is no awaited answer (another servo's late answer, an earlier read's) is a stray: dropped, as late RTU bytes are.
        if (index < 0) {
          this.count.strayFrames++;
          return;
        }
        answered[index] = true;
        missing--;
        onAnswer?.(index, frame);
      };
      const exchange: Exchange = {
        onData: (chunk) => {
          let from = 0;
          while (echoLeft > 0 && from < chunk.length) {
            if (chunk[from] !== request[request.length - echoLeft]) {
              this.count.garbled++;
              return finish(new ModbusGarbledError('the echo of the request differed from what was sent: a collision on the line'));
            }
            echoLeft--;
            from++;
          }
          // A write on an echoing line is done once its echo is back.
          if (isWrite && echoLeft === 0) return finish();
          if (from === chunk.length) return;
          const frames = extractor.push(from === 0 ? chunk : chunk.subarray(from));
          if (isWrite) return;
          for (const frame of frames) take(frame);
          if (missing === 0) return finish();
          // Every answer still awaited has come with a bad checksum: no need to wait out the budget.
          if (extractor.counters.checksumErrors >= missing && extractor.buffered === 0)
            finish(new ModbusCrcError('an answer with a bad checksum'));
        },
        fail: finish,
      };
      // A write has no answer: it is done once its bytes have had their wire time, or on an echoing
      // line once their echo is back (within its wire budget, else the echo is missing).
      const timer = !isWrite
        ? watchDeadline(clock, dueMs, () => {
            // Bad checksums account for the missing answers only if there are as many (else a servo was silent too).
            if (extractor.counters.checksumErrors >= missing) return finish(new ModbusCrcError('an answer with a bad checksum'));
            this.count.timeouts++;
            const ours = ownDelay(clock, dueMs, wireDeadlineMs);
            if (ours) this.count.ownDelayTimeouts++;
            const short = answers.length > 1 ? ` from ${missing} of ${answers.length} servos` : '';
            const got = extractor.buffered > 0 ? `${extractor.buffered} bytes of an incomplete answer` : `no answer${short}`;
            finish(new ModbusTimeoutError(ours ? 'own_delay' : 'response', `${got} by the deadline${ours ? ` (${ours})` : ''}`));
          })
        : this.options.echo
          ? watchDeadline(clock, dueMs, () => finish(new ModbusGarbledError('no echo of the request on an echoing line')))
          : clock.setTimer(() => finish(), frameTimeMs(request.length, this.options.baudRate, BITS_PER_CHAR));
      this.exchange = exchange;
      this.count.transactions++;
      link.write(request).catch((error: unknown) => finish(error instanceof Error ? error : new PortClosedError(String(error))));
    });
  }

  /** Holds the line until it has been silent for two character times (bounded): a late answer lands in nobody's exchange. */
  private recover(): void {
    const silenceMs = Math.max(1, 2 * frameTimeMs(1, this.options.baudRate, BITS_PER_CHAR));
    const recovering = this.port.untilQuiet(silenceMs, MAX_QUIET_WAIT_MS).then(() => {
      if (this.recovering === recovering) this.recovering = undefined;
    });
    this.recovering = recovering;
  }
}
