import { ModbusGarbledError } from './errors.ts';
import type { ModbusCallOptions, ModbusMaster, ModbusMasterCounters } from './modbus-master.ts';
import type { ModbusRequest, ModbusResponse } from './pdu.ts';

/**
 * The register calls of ModbusMaster, written once over a transport's single `transact`: each
 * transport (RTU, TCP) only says how one request travels and how its answer comes back.
 */
export abstract class TransactingMaster implements ModbusMaster {
  abstract readonly counters: ModbusMasterCounters;
  abstract close(): Promise<void>;
  /** Sends one request to `unitId` and resolves with its decoded (non-exception) answer. */
  protected abstract transact(unitId: number, request: ModbusRequest, options: ModbusCallOptions | undefined): Promise<ModbusResponse>;

  async readHoldingRegisters(unitId: number, address: number, count: number, options?: ModbusCallOptions): Promise<number[]> {
    const response = await this.transact(unitId, { kind: 'readHoldingRegisters', address, count }, options);
    if (response.kind !== 'readHoldingRegisters') throw new ModbusGarbledError(`unit ${unitId}: ${response.kind} answer to a read`);
    return [...response.values];
  }

  async writeSingleRegister(unitId: number, address: number, value: number, options?: ModbusCallOptions): Promise<void> {
    await this.transact(unitId, { kind: 'writeSingleRegister', address, value }, options);
  }

  async writeMultipleRegisters(unitId: number, address: number, values: readonly number[], options?: ModbusCallOptions): Promise<void> {
    await this.transact(unitId, { kind: 'writeMultipleRegisters', address, values: [...values] }, options);
  }
}
