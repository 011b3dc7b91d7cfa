import { ExceptionCode } from '../../../protocols/pdu.ts';
import { modbusException, type ModbusException, type RegisterHandler } from '../../../protocols/slave-handler.ts';

/** A register image per unit, `size` holding registers each, for slave tests. */
export class MemoryRegisters implements RegisterHandler {
  private readonly units = new Map<number, Uint16Array>();

  constructor(
    unitIds: readonly number[],
    readonly size = 1000,
  ) {
    for (const unitId of unitIds) this.units.set(unitId, new Uint16Array(size));
  }

  unitIds(): readonly number[] {
    return [...this.units.keys()];
  }

  /** Direct access for arranging and asserting. */
  registers(unitId: number): Uint16Array {
    const regs = this.units.get(unitId);
    if (!regs) throw new Error(`no unit ${unitId}`);
    return regs;
  }

  readHoldingRegisters(unitId: number, address: number, count: number): number[] | ModbusException {
    const regs = this.units.get(unitId);
    if (!regs || address + count > regs.length) return modbusException(ExceptionCode.IllegalDataAddress);
    return [...regs.subarray(address, address + count)];
  }

  writeRegisters(unitId: number, address: number, values: readonly number[]): ModbusException | undefined {
    const regs = this.units.get(unitId);
    if (!regs || address + values.length > regs.length) return modbusException(ExceptionCode.IllegalDataAddress);
    regs.set(values, address);
  }
}
