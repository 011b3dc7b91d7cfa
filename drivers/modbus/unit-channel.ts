import type { BusPriority, BusScheduler, KeepAliveUnit } from '../../protocols/bus-scheduler.ts';
import {
  isModbusCrcError,
  isModbusExceptionError,
  isModbusGarbledError,
  isModbusTimeoutError,
  isPortClosedError,
} from '../../protocols/errors.ts';
import type { Disposable } from '../../src/common/disposable.ts';
import type { ModbusMaster } from '../../protocols/modbus-master.ts';
import type { ExchangeRetry } from '../exchange-retry.ts';
import { toDriveError } from '../comm-errors.ts';

/** Register access to one unit within one bus slot, bound to that slot's deadline. */
export interface UnitIo {
  /** FC03. */
  read(address: number, count: number): Promise<number[]>;
  /** FC06 for one register, FC16 for more (a 32-bit value is always written whole). */
  write(address: number, values: readonly number[]): Promise<void>;
}

/** Missed answers in a row after which a unit still counts as answering (see UnitChannel, keep-alive). */
const MISSES_STILL_ANSWERING = 1;

/**
 * One unit on a shared bus: every exchange goes through the bus scheduler at a priority, with the
 * caller's deadline handed to the scheduler and the transport, and transport errors come out as
 * DriveCommError (see comm-errors.ts). Owns neither the master nor the scheduler.
 *
 * Keep-alive: each exchange also tells the scheduler when this unit must hear from the master at the
 * latest, `keepAlive.everyMs` after its last slot began (half its comm-loss watchdog, say), so a unit
 * close to its watchdog is served before its neighbours' less urgent work; and when the unit has
 * nothing queued by then, the scheduler sends a read of `keepAlive.read` for it by itself (see
 * KeepAliveUnit). Only while the unit answers: a dead drive's keep-alive would cost its neighbours a
 * whole timeout each time and feed nothing. One missed answer does not yet make it dead (a late
 * answer on a busy line, noise): dropped from the order at once, a drive that had just missed one was
 * served last after a stall of ours, 8 ms behind its neighbours, though it had waited longest.
 */
export class UnitChannel implements KeepAliveUnit {
  /** When this unit's last slot got the bus, Clock ms. */
  private lastSlotAtMs = Number.NEGATIVE_INFINITY;
  /** The one before it: what lastSlotAtMs goes back to when a slot sent nothing (see settle). */
  private slotBeforeAtMs = Number.NEGATIVE_INFINITY;
  /** Exchanges in a row the unit did not answer (none yet: never answered; +Infinity also once its port is gone). */
  private missedInARow = Number.POSITIVE_INFINITY;
  private readonly registration: Disposable | undefined;

  constructor(
    private readonly unitId: number,
    private readonly master: ModbusMaster,
    private readonly scheduler: BusScheduler,
    /** Starts every error message, e.g. `axis-X (unit 3)`. */
    private readonly label: string,
    /** How soon after its last slot the unit must be served again, and the registers read to do it; none: no keep-alive. */
    private readonly keepAlive?: { readonly everyMs: number; readonly read: { readonly address: number; readonly count: number } },
    /** Repeats exchanges whose answer was corrupt or missing (see ExchangeRetry); none: never. */
    private readonly retry?: ChannelRetry,
  ) {
    this.registration = keepAlive && scheduler.keepAlive(this);
  }

  dueAtMs(): number {
    return this.keepAlive && this.missedInARow <= MISSES_STILL_ANSWERING
      ? this.lastSlotAtMs + this.keepAlive.everyMs
      : Number.POSITIVE_INFINITY;
  }

  sendKeepAlive(): Promise<void> {
    const { everyMs, read } = this.keepAlive!;
    this.beginSlot();
    return this.settle(
      this.master.readHoldingRegisters(this.unitId, read.address, read.count, { deadlineMs: this.lastSlotAtMs + everyMs }),
    ).then(
      () => undefined,
      () => undefined,
    );
  }

  /** No more keep-alives for this unit (its driver closed). */
  close(): void {
    this.registration?.dispose();
  }

  /**
   * Runs `work` in one bus slot: no other request (of this or another unit) goes between its
   * exchanges, so keep it to what must be back to back. `what` names the operation in errors.
   */
  run<T>(priority: BusPriority, deadlineMs: number, what: string, work: (io: UnitIo) => Promise<T>): Promise<T> {
    const slot = (slotDeadlineMs: number): Promise<T> => {
      this.beginSlot();
      return this.settle(work(new SlotIo(this.master, this.unitId, slotDeadlineMs, this.retry)));
    };
    const urgentAtMs = this.lastSlotAtMs + (this.keepAlive?.everyMs ?? Number.POSITIVE_INFINITY);
    return this.scheduler.submit(priority, deadlineMs, slot, urgentAtMs, this).catch((error: unknown) => {
      throw toDriveError(error, `${this.label}: ${what}`);
    });
  }

  private beginSlot(): void {
    this.slotBeforeAtMs = this.lastSlotAtMs;
    this.lastSlotAtMs = this.scheduler.now();
  }

  /** Notes whether the unit answered `exchange` (any answer counts, even a bad one). */
  private settle<T>(exchange: Promise<T>): Promise<T> {
    return exchange.then(
      (value) => {
        this.missedInARow = 0;
        return value;
      },
      (error: unknown) => {
        // Silence or a lost port; a request that never went out (its deadline passed in the queue,
        // e.g. after a stall of ours) says nothing about the drive, and a bad answer is an answer.
        if (isPortClosedError(error)) this.missedInARow = Number.POSITIVE_INFINITY;
        else if (isModbusTimeoutError(error) && error.stage === 'response') this.missedInARow += 1;
        else if (isBadAnswer(error) && Number.isFinite(this.missedInARow)) this.missedInARow = 0;
        // Refused before the wire (a stall of ours between the slot's start and its request): the
        // unit heard nothing, so it stays as overdue as it was and the bus serves it first. When an
        // earlier exchange of the slot did go out, this errs on the safe side: a keep-alive comes early.
        if (isModbusTimeoutError(error) && error.stage === 'queue') this.lastSlotAtMs = this.slotBeforeAtMs;
        throw error;
      },
    );
  }

  /** One FC03 in a slot of its own. */
  read(priority: BusPriority, deadlineMs: number, what: string, address: number, count: number): Promise<number[]> {
    return this.run(priority, deadlineMs, what, (io) => io.read(address, count));
  }

  /** One write in a slot of its own. */
  write(priority: BusPriority, deadlineMs: number, what: string, address: number, values: readonly number[]): Promise<void> {
    return this.run(priority, deadlineMs, what, (io) => io.write(address, values));
  }
}

/** An answer came, though not a good one (bad CRC, garbled, an exception): the unit is there. */
const isBadAnswer = (error: unknown): boolean => isModbusCrcError(error) || isModbusGarbledError(error) || isModbusExceptionError(error);

/** How a channel retries: the driver's ExchangeRetry, and the register where a written bit edge starts something. */
export interface ChannelRetry {
  readonly exchange: ExchangeRetry;
  /** The control word: a write that covers it is never repeated (a second edge could start a second action). */
  readonly edgeRegister: number;
}

/** Register access within one slot, every call bound to the slot's deadline (a class: one per exchange, no closures). */
class SlotIo implements UnitIo {
  private readonly options: { readonly deadlineMs: number };

  constructor(
    private readonly master: ModbusMaster,
    private readonly unitId: number,
    deadlineMs: number,
    private readonly retry: ChannelRetry | undefined,
  ) {
    this.options = { deadlineMs };
  }

  read(address: number, count: number): Promise<number[]> {
    const send = () => this.master.readHoldingRegisters(this.unitId, address, count, this.options);
    if (!this.retry) return send();
    const budget = () => this.master.exchangeBudgetMs({ kind: 'readHoldingRegisters', address, count });
    return this.retry.exchange.run(send, true, this.options.deadlineMs, budget);
  }

  write(address: number, values: readonly number[]): Promise<void> {
    const send = () =>
      values.length === 1
        ? this.master.writeSingleRegister(this.unitId, address, values[0]!, this.options)
        : this.master.writeMultipleRegisters(this.unitId, address, values, this.options);
    if (!this.retry) return send();
    const { exchange, edgeRegister } = this.retry;
    // Absolute values (a target, a speed, a timeout) may be written twice; an edge on the control word may not.
    const repeatable = edgeRegister < address || edgeRegister >= address + values.length;
    const budget = () =>
      this.master.exchangeBudgetMs(
        values.length === 1
          ? { kind: 'writeSingleRegister', address, value: values[0]! }
          : { kind: 'writeMultipleRegisters', address, values: [...values] },
      );
    return exchange.run(send, repeatable, this.options.deadlineMs, budget);
  }
}
