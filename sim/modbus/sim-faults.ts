import type { Random } from '../../src/common/random.ts';
import { validateFault, type FaultSpec } from '../faults.ts';

/**
 * Faults only a Modbus face has, as data:
 * - crc: each answer goes out with a wrong CRC with `probability` in [0, 1] (RTU only; TCP has no CRC).
 * - garbage: 1 to 8 random bytes precede an answer with `probability` in [0, 1].
 * - exception: every request is refused with Modbus exception `code` (1..255) and not executed.
 */
export type WireFaultSpec =
  | { readonly kind: 'crc'; readonly probability: number }
  | { readonly kind: 'garbage'; readonly probability: number }
  | { readonly kind: 'exception'; readonly code: number };

/**
 * Everything that can be injected into one unit of a SimServer. The drive's own faults (FaultSpec)
 * act there: alarm and jam in the motion model; silent, slow and dropout are decided by the drive and
 * carried out on the wire (request dropped, answer delayed).
 */
export type SimFaultSpec = FaultSpec | WireFaultSpec;
export type SimFaultKind = SimFaultSpec['kind'];

const WIRE_KINDS: ReadonlySet<SimFaultKind> = new Set<SimFaultKind>(['crc', 'garbage', 'exception']);

export const isWireFault = (spec: SimFaultSpec): spec is WireFaultSpec => WIRE_KINDS.has(spec.kind);

const GARBAGE_MAX_BYTES = 8;

/** Throws a RangeError for a spec no unit could act on. */
export function validateSimFault(spec: SimFaultSpec): void {
  if (!isWireFault(spec)) return validateFault(spec);
  if (spec.kind === 'exception') {
    if (!Number.isInteger(spec.code) || spec.code < 1 || spec.code > 255)
      throw new RangeError(`exception fault: code must be an integer in 1..255, got ${spec.code}`);
  } else if (!(spec.probability >= 0 && spec.probability <= 1)) {
    throw new RangeError(`${spec.kind} fault: probability must be in [0, 1], got ${spec.probability}`);
  }
}

/** The exception every request gets: the latest injected exception fault's code, if any. */
export function injectedException(specs: readonly SimFaultSpec[]): number | undefined {
  let code: number | undefined;
  for (const spec of specs) if (spec.kind === 'exception') code = spec.code;
  return code;
}

/** What the wire faults do to one answer. */
export interface AnswerDamage {
  readonly corruptCrc: boolean;
  readonly garbageBefore: Uint8Array | undefined;
}

/**
 * Decides the damage to one answer: one draw per crc and garbage fault in injection order (crc faults
 * only when `hasCrc`), then the garbage bytes, so a given seed damages the same answers every run.
 */
export function damageAnswer(specs: readonly SimFaultSpec[], random: Random, hasCrc: boolean): AnswerDamage {
  let corruptCrc = false;
  let garbage = false;
  for (const spec of specs) {
    if (spec.kind === 'crc' && hasCrc) corruptCrc = random() < spec.probability || corruptCrc;
    else if (spec.kind === 'garbage') garbage = random() < spec.probability || garbage;
  }
  const garbageBefore = garbage
    ? Uint8Array.from({ length: 1 + Math.floor(random() * GARBAGE_MAX_BYTES) }, () => Math.floor(random() * 256))
    : undefined;
  return { corruptCrc, garbageBefore };
}
