import { ModbusExceptionError, ModbusTimeoutError, PortClosedError } from '../../../../protocols/errors.ts';
import { zeroCounters, type ModbusCallOptions, type ModbusMaster, type ModbusMasterCounters } from '../../../../protocols/modbus-master.ts';
import type { ModbusException, RegisterHandler } from '../../../../protocols/slave-handler.ts';
import type { Clock } from '../../../../src/common/clock.ts';

/** One request as it went on the (fake) wire. */
export interface Transaction {
  /** Clock time it went out. */
  readonly atMs: number;
  readonly unitId: number;
  /** 3 (FC03), 6 (FC06) or 16 (FC16). */
  readonly fc: 3 | 6 | 16;
  readonly address: number;
  /** Registers read or written. */
  readonly count: number;
  /** Writes: the values written; reads: empty. */
  readonly values: readonly number[];
}

/** What goes wrong with one request: no answer at all (times out at its deadline), or a rejection. */
export type FakeFault = { readonly kind: 'silent' } | { readonly kind: 'reject'; readonly error: Error };

/**
 * A ModbusMaster over an in-memory RegisterHandler, in virtual time: each request takes `latencyMs`,
 * is logged when it starts, and honours its deadline like a real transport (ModbusTimeoutError at
 * the deadline). A handler's exception answer becomes ModbusExceptionError; `faultFor` injects others.
 * Not thread-safe on purpose: like an unscheduled transport, it lets overlapping calls overlap.
 */
export class FakeModbusMaster implements ModbusMaster {
  readonly log: Transaction[] = [];
  /** Decides a fault per request; undefined answers normally. */
  faultFor: ((request: Transaction) => FakeFault | undefined) | undefined;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly handler: RegisterHandler,
    private readonly latencyMs = 1,
  ) {}

  /** Its latency, and a slack of as much again. */
  exchangeBudgetMs(): number {
    return 2 * this.latencyMs;
  }

  get counters(): ModbusMasterCounters {
    return { ...zeroCounters(), transactions: this.log.length };
  }

  /** The writes so far, as `address:value,value`, in order; handy for asserting sequences. */
  writes(unitId?: number): string[] {
    return this.log
      .filter((t) => t.fc !== 3 && (unitId === undefined || t.unitId === unitId))
      .map((t) => `${hex(t.address)}:${t.values.map(hex).join(',')}`);
  }

  async readHoldingRegisters(unitId: number, address: number, count: number, options?: ModbusCallOptions): Promise<number[]> {
    const values = await this.exchange({ unitId, fc: 3, address, count, values: [] }, options, () =>
      this.handler.readHoldingRegisters(unitId, address, count),
    );
    return [...(values as readonly number[])];
  }

  async writeSingleRegister(unitId: number, address: number, value: number, options?: ModbusCallOptions): Promise<void> {
    await this.exchange({ unitId, fc: 6, address, count: 1, values: [value] }, options, () =>
      this.handler.writeRegisters(unitId, address, [value]),
    );
  }

  async writeMultipleRegisters(unitId: number, address: number, values: readonly number[], options?: ModbusCallOptions): Promise<void> {
    await this.exchange({ unitId, fc: 16, address, count: values.length, values: [...values] }, options, () =>
      this.handler.writeRegisters(unitId, address, values),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private async exchange<T>(
    request: Omit<Transaction, 'atMs'>,
    options: ModbusCallOptions | undefined,
    serve: () => T | Promise<T>,
  ): Promise<Exclude<T, ModbusException>> {
    if (this.closed) throw new PortClosedError('fake master: port closed');
    const transaction: Transaction = { atMs: this.clock.now(), ...request };
    this.log.push(transaction);
    const deadlineMs = options?.deadlineMs ?? Number.POSITIVE_INFINITY;
    const fault = this.faultFor?.(transaction);
    const answerAtMs = fault?.kind === 'silent' ? Number.POSITIVE_INFINITY : this.clock.now() + this.latencyMs;
    if (answerAtMs > deadlineMs) {
      await this.clock.sleep(deadlineMs - this.clock.now());
      throw new ModbusTimeoutError('response', `fake master: no answer from unit ${request.unitId} by the deadline`);
    }
    await this.clock.sleep(this.latencyMs);
    if (fault?.kind === 'reject') throw fault.error;
    const result = await serve();
    if (isException(result)) throw new ModbusExceptionError(request.fc, result.code);
    return result as Exclude<T, ModbusException>;
  }
}

const isException = (value: unknown): value is ModbusException =>
  typeof value === 'object' && value !== null && (value as ModbusException).kind === 'exception';

export const hex = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;
