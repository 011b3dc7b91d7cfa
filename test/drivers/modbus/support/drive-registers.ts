import type { WordOrder } from '../../../../protocols/drive-profile.ts';
import type { ModbusException } from '../../../../protocols/slave-handler.ts';
import type { Clock } from '../../../../src/common/clock.ts';
import { MemoryRegisters } from '../../../protocols/support/memory-registers.ts';

/** A register image whose writes a test can react to, like a drive would. */
export class DriveRegisters extends MemoryRegisters {
  /** Called after every stored write. */
  onWrite: ((unitId: number, address: number, values: readonly number[]) => void) | undefined;

  override writeRegisters(unitId: number, address: number, values: readonly number[]): ModbusException | undefined {
    const refused = super.writeRegisters(unitId, address, values);
    if (!refused) this.onWrite?.(unitId, address, values);
    return refused;
  }
}

/** Stores a 32-bit value (signed or not) in `order`; written with DataView, independently of the driver's codec. */
export function put32(regs: Uint16Array, address: number, value: number, order: WordOrder): void {
  const view = new DataView(new ArrayBuffer(4));
  if (value < 0) view.setInt32(0, value);
  else view.setUint32(0, value);
  const high = view.getUint16(0);
  const low = view.getUint16(2);
  regs[address] = order === 'high_first' ? high : low;
  regs[address + 1] = order === 'high_first' ? low : high;
}

/**
 * A minimal CiA 402 drive for unit `unitId`: `reactionMs` after each controlword write it takes the
 * one transition the standard allows from its present state (no shortcuts, so a driver must walk),
 * and a fault reset clears the alarm unless `alarmStays`.
 */
export function actLikeCia402(
  registers: DriveRegisters,
  unitId: number,
  clock: Clock,
  map: { readonly controlWord: number; readonly statusWord: number; readonly alarmCode: number },
  options: { readonly reactionMs?: number; readonly alarmStays?: boolean } = {},
): void {
  const regs = registers.registers(unitId);
  let previousControl = 0;
  registers.onWrite = (unit, address, values) => {
    if (unit !== unitId || address !== map.controlWord) return;
    const cw = values[0]!;
    const resetEdge = (cw & 0x80) !== 0 && (previousControl & 0x80) === 0;
    previousControl = cw;
    clock.setTimer(() => {
      const state = regs[map.statusWord]! & 0x6f;
      const faulted = (state & 0x4f) === 0x08;
      if (faulted && resetEdge && options.alarmStays) return;
      const next = transition(state, cw, resetEdge);
      if (next === undefined) return;
      if (faulted) regs[map.alarmCode] = 0;
      regs[map.statusWord] = (regs[map.statusWord]! & ~0x6f) | next;
    }, options.reactionMs ?? 1);
  };
}

/** The statusword state bits after `cw` in state `state` (bits 0-3, 5, 6), or undefined to stay. */
function transition(state: number, cw: number, resetEdge: boolean): number | undefined {
  if ((state & 0x4f) === 0x08) return resetEdge ? 0x40 : undefined; // Fault → SwitchOnDisabled on a fault reset edge
  if ((cw & 0x02) === 0) return 0x40; // disable voltage
  const shutdown = (cw & 0x87) === 0x06;
  const switchOn = (cw & 0x8f) === 0x07;
  const enableOperation = (cw & 0x8f) === 0x0f;
  switch (state) {
    case 0x40: // SwitchOnDisabled
      return shutdown ? 0x21 : undefined;
    case 0x21: // ReadyToSwitchOn
      return switchOn ? 0x23 : undefined;
    case 0x23: // SwitchedOn
      return enableOperation ? 0x27 : shutdown ? 0x21 : undefined;
    case 0x27: // OperationEnabled
      return shutdown ? 0x21 : switchOn ? 0x23 : undefined;
    default:
      return undefined;
  }
}
