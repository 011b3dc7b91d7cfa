import type { ModbusCallOptions, ModbusMaster, ModbusMasterCounters, ModbusRequest } from '../../protocols/index.ts';
import type { Clock } from '../common/clock.ts';
import { EventEmitter, type Event } from '../common/event.ts';

/** One call on a bus's transport, timed on the line's Clock. */
export interface BusTransaction {
  readonly bus: string;
  /** From the call to its answer or failure, ms: the exchange itself, since the bus's scheduler lets one call in at a time. */
  readonly durationMs: number;
  /** False when the call failed (timeout, CRC, exception, garbled, port closed). */
  readonly ok: boolean;
}

/**
 * A ModbusMaster that reports how long each call on `inner` took. The composition root puts it
 * between a bus's transport and its drivers, so the wire layer needs no timing hook of its own.
 * Counters and close are `inner`'s. Timing costs nothing while nobody listens.
 */
export class TimedMaster implements ModbusMaster {
  private readonly transactions = new EventEmitter<BusTransaction>();
  /** Fires once per call, after it settled. */
  readonly onTransaction: Event<BusTransaction> = this.transactions.event;

  constructor(
    private readonly inner: ModbusMaster,
    private readonly bus: string,
    private readonly clock: Clock,
  ) {}

  get counters(): ModbusMasterCounters {
    return this.inner.counters;
  }

  readHoldingRegisters(unitId: number, address: number, count: number, options?: ModbusCallOptions): Promise<number[]> {
    return this.timed(() => this.inner.readHoldingRegisters(unitId, address, count, options));
  }

  writeSingleRegister(unitId: number, address: number, value: number, options?: ModbusCallOptions): Promise<void> {
    return this.timed(() => this.inner.writeSingleRegister(unitId, address, value, options));
  }

  writeMultipleRegisters(unitId: number, address: number, values: readonly number[], options?: ModbusCallOptions): Promise<void> {
    return this.timed(() => this.inner.writeMultipleRegisters(unitId, address, values, options));
  }

  exchangeBudgetMs(request: ModbusRequest): number {
    return this.inner.exchangeBudgetMs(request);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Not async itself: with nobody listening (most runs) the call passes straight through, no promise of its own. */
  private timed<T>(call: () => Promise<T>): Promise<T> {
    return this.transactions.hasListeners ? this.timedCall(call) : call();
  }

  private async timedCall<T>(call: () => Promise<T>): Promise<T> {
    const startMs = this.clock.now();
    const report = (ok: boolean) => this.transactions.emit({ bus: this.bus, durationMs: this.clock.now() - startMs, ok });
    try {
      const result = await call();
      report(true);
      return result;
    } catch (error) {
      report(false);
      throw error;
    }
  }
}
