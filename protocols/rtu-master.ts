// One file on purpose (over ~250 lines): one transport on one port. The link's state, the exchange
// that owns the incoming bytes, the deadline that ends it and the recovery that frees the port after a
// failure decide together whether a byte is an answer; framing, timing and the link are files of their own.
import type { Clock } from '../src/common/clock.ts';
import { watchDeadline } from '../src/common/deadline.ts';
import type { Disposable } from '../src/common/disposable.ts';
import { EventEmitter, type Event } from '../src/common/event.ts';
import {
  ModbusCrcError,
  ModbusExceptionError,
  ModbusGarbledError,
  ModbusTimeoutError,
  PortClosedError,
  isModbusCrcError,
  isModbusGarbledError,
  isModbusTimeoutError,
} from './errors.ts';
import type { ModbusCallOptions } from './modbus-master.ts';
import { TransactingMaster } from './transacting-master.ts';
import { decodeResponse, encodeRequest, responsePduLength, type ModbusRequest, type ModbusResponse } from './pdu.ts';
import { MAX_UNIT_ID, RtuFrameExtractor, encodeRtuAdu, responseFrameRule } from './rtu-framer.ts';
import { bitsPerChar, frameTimeMs, silentIntervalMs } from './rtu-timing.ts';
import { TransactionLock } from './transaction-lock.ts';
import { serialPortOpener, type OpenSerialLink, type SerialLineOptions } from './serial-link.ts';
import { SerialPortHolder, type PortState } from './serial-port-holder.ts';

export interface RtuMasterOptions extends SerialLineOptions {
  readonly clock: Clock;
  /** Added to the wire time of request and answer to make the default deadline (slave turnaround). Default 50 ms. */
  readonly slackMs?: number;
  /** Longest wait for the line to fall silent after a failed transaction. Default 100 ms. */
  readonly maxQuietWaitMs?: number;
  /** How the port is opened; default serialport (bounded by 2 s). Tests hand in a fake. */
  readonly openLink?: OpenSerialLink;
}

type LinkState = PortState;

/** One request's exchange on the wire, reported once it has settled (for benchmarks and diagnostics). */
export interface RtuExchange {
  readonly unitId: number;
  readonly request: ModbusRequest;
  /** When the request's bytes were handed to the serial link, ms on the master's Clock. */
  readonly sentAtMs: number;
  /** When its answer was due: the caller's deadline or the wire budget, whichever came first. */
  readonly dueAtMs: number;
  /** Why it failed (timeout, CRC, exception, garbled, port closed); undefined when a valid answer came. */
  readonly error: Error | undefined;
}

/** The transaction on the wire: it owns the bytes that arrive until it settles. */
interface Exchange {
  onData(chunk: Uint8Array): void;
  fail(error: Error): void;
}

/** Reads whose encoding a master keeps: far more than the status and keep-alive reads of a full line (247 units). */
const MAX_KEPT_READS = 1024;

/** Whether a read's address and count are whole numbers that make a key of their own (see requestAdu); others are encoded, and refused, as they come. */
const fitsReadKey = (address: number, count: number): boolean =>
  Number.isInteger(address) && address >= 0 && address <= 0xffff && Number.isInteger(count) && count >= 1 && count <= 0xff;

/** A request on its way to the wire: what it is, its bytes, its wire budget and the caller's deadline (Clock ms), if any. */
interface OutgoingCall {
  readonly unitId: number;
  readonly request: ModbusRequest;
  readonly adu: Uint8Array;
  readonly budgetMs: number;
  readonly deadlineMs: number | undefined;
}

/** Float slack when comparing computed instants (sub-millisecond wire times do not add up exactly). */
const TIME_EPSILON_MS = 1e-6;

/** Errors after which a late or partial answer may still be on the line. */
const leavesBytesOnLine = (e: unknown): boolean =>
  (isModbusTimeoutError(e) && e.stage !== 'queue') || isModbusCrcError(e) || isModbusGarbledError(e);

/**
 * Modbus RTU master on one serial port. One transaction at a time (further calls wait in FIFO order,
 * each bounded by its deadline); the answer must come from the addressed unit with the request's
 * function code and a valid CRC. After a failed transaction the master holds the port until the line
 * has been silent for 3.5 characters and the input already waiting in the OS has been read, and bytes
 * that arrive between transactions are discarded, so a late answer that lands between transactions is
 * never taken for the next one. On a line, the bus scheduler waits for that recovery (lineSettled)
 * before it starts its next item: one queue, its own, and the FIFO here only serves callers without one.
 *
 * What RTU cannot tell apart: it has no transaction id, so an answer that comes later than its
 * budget, while the next request to the same unit waits for an answer of the same function and
 * length, is taken for that one. The drivers only ever repeat the same status read in that shape
 * (their other read is a single register), so what is taken is the same question's answer, a
 * little older; a drive that is late every time still fails most reads and opens its breaker on
 * the failure ratio. Writes are safe: their echo (address, value or count) is checked.
 *
 * Valid after open(); while closed or after the port is lost every call fails fast with
 * PortClosedError until reopen().
 */
export class RtuMaster extends TransactingMaster {
  private readonly port: SerialPortHolder;
  private exchange: Exchange | undefined;
  /** The recovery after a failed exchange while it runs (see lineSettled). */
  private recovering: Promise<void> | undefined;
  private readonly clock: Clock;
  private readonly lock: TransactionLock;
  private readonly bits: number;
  private readonly slackMs: number;
  private readonly maxQuietWaitMs: number;
  private readonly exchanges = new EventEmitter<RtuExchange>();
  /** Encoded reads by unit, address and count (see requestAdu). */
  private readonly readAdus = new Map<number, Uint8Array>();

  /** Fires when the port goes away on its own (not on close()). */
  readonly onPortLost: Event<PortClosedError>;
  /** Fires once per request put on the wire, when it settles: when it was sent, when its answer was due, how it ended. */
  readonly onExchange: Event<RtuExchange> = this.exchanges.event;

  constructor(private readonly options: RtuMasterOptions) {
    super();
    this.clock = options.clock;
    this.lock = new TransactionLock(options.clock);
    this.bits = bitsPerChar(options.parity ?? 'even', options.stopBits ?? 1);
    this.slackMs = options.slackMs ?? 50;
    this.maxQuietWaitMs = options.maxQuietWaitMs ?? 100;
    this.port = new SerialPortHolder(
      options,
      options.clock,
      options.openLink ?? serialPortOpener(options.clock),
      (chunk) => {
        if (this.exchange) this.exchange.onData(chunk);
        else this.count.discardedBytes += chunk.length;
      },
      (error) => this.exchange?.fail(error),
    );
    this.onPortLost = this.port.onPortLost;
  }

  get isOpen(): boolean {
    return this.port.isOpen;
  }

  /** Opens the port; rejects with PortClosedError when it cannot. No-op when already open. */
  open(): Promise<void> {
    return this.port.open();
  }

  /** Closes the port if needed and opens it again (after a USB replug, say). */
  reopen(): Promise<void> {
    return this.port.reopen();
  }

  close(): Promise<void> {
    return this.port.close();
  }

  /**
   * Not async: on a line the bus scheduler lets one call in at a time, so the port is free and the
   * exchange's own promise is the call's (an async frame here cost a promise and two turns a call).
   */
  protected transact(unitId: number, request: ModbusRequest, options: ModbusCallOptions | undefined): Promise<ModbusResponse> {
    let adu: Uint8Array;
    try {
      adu = this.requestAdu(unitId, request);
    } catch (error) {
      return Promise.reject(error);
    }
    const call: OutgoingCall = { unitId, request, adu, budgetMs: this.wireBudgetMs(adu.length, request), deadlineMs: options?.deadlineMs };
    const hold = this.lock.tryAcquire();
    return hold ? this.sendHeld(hold, call) : this.transactQueued(call);
  }

  /** A caller without the bus scheduler found the port busy: it waits in the master's FIFO, bounded by its deadline. */
  private async transactQueued(call: OutgoingCall): Promise<ModbusResponse> {
    let hold: Disposable;
    try {
      hold = await this.lock.acquire(call.deadlineMs ?? this.clock.now() + call.budgetMs);
    } catch (error) {
      this.count.queueTimeouts++;
      throw error;
    }
    return this.sendHeld(hold, call);
  }

  /** With the port held: the request goes out unless the port is gone or the caller's deadline passed meanwhile. */
  private sendHeld(
    hold: Disposable,
    { unitId, request, adu, budgetMs, deadlineMs: explicitDeadline }: OutgoingCall,
  ): Promise<ModbusResponse> {
    const state = this.port.state;
    if (state.kind !== 'open') {
      hold.dispose();
      const error = this.port.openLinkOrError();
      return Promise.reject(error instanceof PortClosedError ? error : new PortClosedError(`${this.options.path} is not open`));
    }
    const nowMs = this.clock.now();
    if (explicitDeadline !== undefined && nowMs >= explicitDeadline) {
      hold.dispose();
      this.count.queueTimeouts++;
      return Promise.reject(new ModbusTimeoutError('queue', 'deadline passed while waiting for the port'));
    }
    // On the wire, the answer is due within its wire time plus slack, however long the caller would wait:
    // a dead drive then holds the bus for one budget, not for its caller's whole deadline, and its
    // neighbours queued behind it still get their turn.
    const wireDeadlineMs = nowMs + budgetMs;
    return this.exchangeOnce(
      state,
      hold,
      unitId,
      request,
      adu,
      Math.min(explicitDeadline ?? wireDeadlineMs, wireDeadlineMs),
      wireDeadlineMs,
    );
  }

  /**
   * The request's bytes on the wire. A read's are kept (per unit, address and count): the cycle sends
   * the same status read to every drive every period, and encoding it anew (PDU, ADU, CRC: four
   * buffers) cost more than looking it up. Writes carry values and are encoded each time.
   */
  private requestAdu(unitId: number, request: ModbusRequest): Uint8Array {
    if (!Number.isInteger(unitId) || unitId < 1 || unitId > MAX_UNIT_ID)
      throw new RangeError(`unit id ${unitId} is not in 1..${MAX_UNIT_ID}`);
    if (request.kind !== 'readHoldingRegisters' || !fitsReadKey(request.address, request.count))
      return encodeRtuAdu(unitId, encodeRequest(request));
    const key = (unitId * 0x1_0000 + request.address) * 0x100 + request.count;
    let adu = this.readAdus.get(key);
    if (adu === undefined) {
      adu = encodeRtuAdu(unitId, encodeRequest(request)); // throws for a read out of range (past 65535): never kept
      if (this.readAdus.size >= MAX_KEPT_READS) this.readAdus.clear();
      this.readAdus.set(key, adu);
    }
    return adu;
  }

  exchangeBudgetMs(request: ModbusRequest): number {
    // The ADU: unit id, PDU, CRC; after a failure the line must first be silent for 3.5 characters.
    return this.wireBudgetMs(1 + encodeRequest(request).length + 2, request) + silentIntervalMs(this.options.baudRate, this.bits);
  }

  /** Request and answer on the wire at the baud rate (answer: unit id, PDU, CRC), plus the slack. */
  private wireBudgetMs(aduBytes: number, request: ModbusRequest): number {
    return frameTimeMs(aduBytes + 3 + responsePduLength(request), this.options.baudRate, this.bits) + this.slackMs;
  }

  /**
   * When the line is usable again after a failed exchange (silent, the input waiting read): a promise
   * while the master still holds the port for that, else undefined. The bus scheduler waits for it
   * before it gives the bus to the next item, so a call from the scheduler never waits for the port
   * here: the scheduler is the one queue (the master's own FIFO serves callers without one).
   */
  lineSettled(): Promise<void> | undefined {
    return this.recovering;
  }

  /** Frees the port after an exchange: at once, or once the line has recovered from a failure that may leave bytes on it. */
  private release(state: LinkState, hold: Disposable, error: Error | undefined): void {
    if (error === undefined || !leavesBytesOnLine(error)) return hold.dispose();
    const recovering = this.recover(state).then(() => {
      if (this.recovering === recovering) this.recovering = undefined;
      hold.dispose();
    });
    this.recovering = recovering;
  }

  private exchangeOnce(
    state: LinkState & { readonly kind: 'open' },
    hold: Disposable,
    unitId: number,
    request: ModbusRequest,
    adu: Uint8Array,
    deadlineMs: number,
    /** When the answer is due by its wire time plus slack, had the caller's deadline not cut it short. */
    wireDeadlineMs: number,
  ): Promise<ModbusResponse> {
    return new Promise<ModbusResponse>((resolve, reject) => {
      const extractor = new RtuFrameExtractor(responseFrameRule(unitId, request));
      let extraBytes = 0;
      let settled = false;
      const finish = (settle: () => void, error?: Error): void => {
        if (settled) return;
        settled = true;
        timer.dispose();
        if (this.exchange === exchange) this.exchange = undefined;
        const leftover = extractor.discard();
        const framed = extractor.counters;
        this.count.crcErrors += framed.crcErrors;
        this.count.discardedBytes += framed.garbageBytes + extraBytes + (framed.truncatedFrames > 0 ? leftover : 0);
        if (this.exchanges.hasListeners) this.exchanges.emit({ unitId, request, sentAtMs, dueAtMs: deadlineMs, error });
        // Before the caller hears of it: whoever queues behind (the bus scheduler) sees the recovery.
        this.release(state, hold, error);
        settle();
      };
      const fail = (error: Error): void => finish(() => reject(error), error);

      const exchange: Exchange = {
        onData: (chunk) => {
          const [frame, ...extra] = extractor.push(chunk);
          if (frame) {
            for (const f of extra) extraBytes += f.pdu.length + 3;
            const decoded = decodeResponse(request, frame.pdu);
            if (decoded.ok) return finish(() => resolve(decoded.response));
            if (decoded.kind === 'exception') {
              this.count.exceptions++;
              return fail(new ModbusExceptionError(decoded.functionCode, decoded.code));
            }
            this.count.garbled++;
            return fail(new ModbusGarbledError(`unit ${unitId}: ${decoded.reason}`));
          }
          // A full-length answer with a bad CRC and nothing after it: no point waiting for the deadline.
          if (extractor.counters.crcErrors > 0 && extractor.buffered === 0) fail(new ModbusCrcError(`unit ${unitId}: answer with bad CRC`));
        },
        fail,
      };
      // Judged after the input already waiting is read (see watchDeadline): our own stall is no timeout.
      const timer = watchDeadline(this.clock, deadlineMs, () => {
        if (extractor.counters.crcErrors > 0) return fail(new ModbusCrcError(`unit ${unitId}: answer with bad CRC`));
        const got = extractor.buffered > 0 ? `${extractor.buffered} bytes of an incomplete answer` : 'no answer';
        fail(this.answerTimeout(this.clock, `unit ${unitId}: ${got} by the deadline`, deadlineMs, wireDeadlineMs));
      });

      this.exchange = exchange;
      this.count.transactions++;
      const sentAtMs = this.clock.now();
      state.link.write(adu).catch((error: unknown) => fail(error instanceof Error ? error : new PortClosedError(String(error))));
    });
  }

  /**
   * Waits until the line has been silent for 3.5 characters since the failure (bounded), then for the
   * input already waiting in the OS to be read (and discarded: no exchange is open). No tcflush: the
   * link reads every byte as it comes and writes a request in one syscall, so there is nothing left to
   * flush. At a quarter core a failure held the bus for 8-24 ms before the next request (measured
   * 2026-12-05), time every other drive's keep-alive pays for; the flush, a trip through the thread
   * pool whose worker shares the process's CPU quota, was the part of it that was not needed.
   */
  private async recover(state: LinkState): Promise<void> {
    if (state.kind !== 'open' || this.port.state !== state) return;
    await this.port.untilQuiet(silentIntervalMs(this.options.baudRate, this.bits), this.maxQuietWaitMs, TIME_EPSILON_MS);
    if (this.port.state !== state) return;
    await new Promise<void>((resolve) => this.clock.afterPendingInput(resolve));
  }
}
