import type { Clock } from '../src/common/clock.ts';
import { ownDelay } from '../src/common/own-delay.ts';
import { ModbusGarbledError, ModbusTimeoutError } from './errors.ts';
import { zeroCounters, type ModbusCallOptions, type ModbusMaster, type ModbusMasterCounters } from './modbus-master.ts';
import type { ModbusRequest, ModbusResponse } from './pdu.ts';

/**
 * The register calls of ModbusMaster, written once over a transport's single `transact`: each
 * transport (RTU, TCP) only says how one request travels and how its answer comes back.
 */
export abstract class TransactingMaster implements ModbusMaster {
  /** The running counts; each transport increments its own. */
  protected readonly count = zeroCounters();

  get counters(): ModbusMasterCounters {
    return { ...this.count };
  }

  abstract close(): Promise<void>;
  abstract exchangeBudgetMs(request: ModbusRequest): number;
  /** Sends one request to `unitId` and resolves with its decoded (non-exception) answer. */
  protected abstract transact(unitId: number, request: ModbusRequest, options: ModbusCallOptions | undefined): Promise<ModbusResponse>;

  /**
   * The error, counted, for an answer that is not there by `deadlineMs`: 'own_delay' when that is no
   * verdict on the drive (src/common/own-delay.ts; `fullBudgetEndMs`: when the answer would have
   * been due had the caller's deadline not cut its wire budget short), else 'response'.
   */
  protected answerTimeout(clock: Clock, what: string, deadlineMs: number, fullBudgetEndMs = deadlineMs): ModbusTimeoutError {
    this.count.timeouts++;
    const ours = ownDelay(clock, deadlineMs, fullBudgetEndMs);
    if (!ours) return new ModbusTimeoutError('response', what);
    this.count.ownDelayTimeouts++;
    return new ModbusTimeoutError('own_delay', `${what} (${ours})`);
  }

  async readHoldingRegisters(unitId: number, address: number, count: number, options?: ModbusCallOptions): Promise<number[]> {
    const response = await this.transact(unitId, { kind: 'readHoldingRegisters', address, count }, options);
    if (response.kind !== 'readHoldingRegisters') throw new ModbusGarbledError(`unit ${unitId}: ${response.kind} answer to a read`);
    // The decoded answer's own array, made for this call alone: no copy.
    return response.values as number[];
  }

  async writeSingleRegister(unitId: number, address: number, value: number, options?: ModbusCallOptions): Promise<void> {
    await this.transact(unitId, { kind: 'writeSingleRegister', address, value }, options);
  }

  async writeMultipleRegisters(unitId: number, address: number, values: readonly number[], options?: ModbusCallOptions): Promise<void> {
    await this.transact(unitId, { kind: 'writeMultipleRegisters', address, values: [...values] }, options);
  }
}
