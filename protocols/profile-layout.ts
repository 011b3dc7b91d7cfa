import { registerCount, type ProfileRegisters, type RegisterField, type RegisterType } from './drive-profile.ts';
import { MAX_READ_REGISTERS } from './pdu.ts';

/**
 * The register layout of a drive profile: where the status block lies, and the checks on a
 * profile's raw document that span fields (overlaps, bit clashes, the width of the status block).
 */

/** One thing wrong with a profile's layout: where (`registers.actualPosition.address`) and how to fix it; a DriveProfileIssue. */
export interface ProfileLayoutIssue {
  /** Dotted path in the document. */
  readonly path: string;
  readonly message: string;
}

/** The last register address of a Modbus device. */
export const LAST_ADDRESS = 0xffff;

/** The registers one status sample is decoded from; they must fit in one FC03 (125 registers). */
const STATUS_BLOCK_REGISTERS: readonly (keyof ProfileRegisters)[] = [
  'statusWord',
  'actualPosition',
  'actualVelocity',
  'followingError',
  'alarmCode',
  'targetPosition',
];

/** The contiguous registers from the lowest to the end of the highest of `fields`, and which those are. */
export interface RegisterSpan<Name extends string = string> {
  readonly address: number;
  /** Registers, first to last inclusive (gaps included). */
  readonly count: number;
  readonly first: Name;
  readonly last: Name;
}

/**
 * The span of the status block of `registers` (STATUS_BLOCK_REGISTERS; missing ones are left out),
 * which the driver reads with one FC03. Undefined when none is present.
 */
export function statusBlockSpan(
  registers: Partial<Record<keyof ProfileRegisters, RegisterField>>,
): RegisterSpan<keyof ProfileRegisters> | undefined {
  let span: RegisterSpan<keyof ProfileRegisters> | undefined;
  for (const name of STATUS_BLOCK_REGISTERS) {
    const field = registers[name];
    if (!field) continue;
    const end = field.address + registerCount(field.type);
    if (!span) {
      span = { address: field.address, count: end - field.address, first: name, last: name };
      continue;
    }
    const address = Math.min(span.address, field.address);
    const spanEnd = Math.max(span.address + span.count, end);
    span = {
      address,
      count: spanEnd - address,
      first: field.address < span.address ? name : span.first,
      last: end > span.address + span.count ? name : span.last,
    };
  }
  return span;
}

/** Every register a profile may declare, in declaration order. */
export const REGISTER_NAMES: readonly (keyof ProfileRegisters)[] = [
  'controlWord',
  'statusWord',
  'targetPosition',
  'profileSpeed',
  'actualPosition',
  'actualVelocity',
  'followingError',
  'alarmCode',
  'commLossTimeout',
];
/** The largest value each register type holds. */
const TYPE_MAX: Readonly<Record<RegisterType, number>> = { uint16: 0xffff, int16: 0x7fff, uint32: 0xffff_ffff, int32: 0x7fff_ffff };

type Obj = Readonly<Record<string, unknown>>;
interface Placed {
  readonly name: keyof ProfileRegisters;
  readonly address: number;
  readonly type: RegisterType;
  /** One past the last register. */
  readonly end: number;
}

const asObject = (value: unknown): Obj | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
const isAddress = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= LAST_ADDRESS;
const hex = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;
const span = (r: Placed): string => (r.end - r.address === 1 ? hex(r.address) : `${hex(r.address)}..${hex(r.end - 1)}`);

/**
 * The checks that span fields, on the raw document (a malformed field is skipped: the schema
 * reports it): registers within the address space and not overlapping, control and status words
 * 16 bits wide, the status block within one FC03, the comm-loss timeout within its register, and
 * each control and status bit used once.
 */
export function checkProfileLayout(document: unknown): ProfileLayoutIssue[] {
  const root = asObject(document);
  if (!root) return [];
  const issues: ProfileLayoutIssue[] = [];
  const registers = placedRegisters(asObject(root.registers));
  checkRegisters(registers, issues);
  checkCommLossTimeout(root.commLossTimeoutMs, registers.get('commLossTimeout'), issues);
  const control = asObject(root.control);
  if (control?.style === 'bits') {
    checkDistinctBits(asObject(control.controlBits), 'control.controlBits', 'control word', issues);
    checkDistinctBits(asObject(control.statusBits), 'control.statusBits', 'status word', issues);
  }
  return issues;
}

/** The registers whose address and type are well formed, in declaration order of REGISTER_NAMES. */
function placedRegisters(registers: Obj | undefined): Map<keyof ProfileRegisters, Placed> {
  const placed = new Map<keyof ProfileRegisters, Placed>();
  for (const name of REGISTER_NAMES) {
    const field = asObject(registers?.[name]);
    const type = field?.type;
    if (!isAddress(field?.address) || typeof type !== 'string' || !(type in TYPE_MAX)) continue;
    const registerType = type as RegisterType;
    placed.set(name, { name, address: field.address, type: registerType, end: field.address + registerCount(registerType) });
  }
  return placed;
}

function checkRegisters(registers: ReadonlyMap<keyof ProfileRegisters, Placed>, issues: ProfileLayoutIssue[]): void {
  const all = [...registers.values()];
  for (const r of all) {
    const at = `registers.${r.name}`;
    if (r.end - 1 > LAST_ADDRESS) {
      issues.push({
        path: at,
        message: `${r.name} is ${r.type} at ${hex(r.address)}, which needs ${hex(r.address)} and ${hex(r.end - 1)}; the last register is 0xFFFF: move it to 0xFFFE or lower`,
      });
    }
    if ((r.name === 'controlWord' || r.name === 'statusWord') && registerCount(r.type) !== 1) {
      issues.push({ path: `${at}.type`, message: `${r.name} is a 16-bit word of bits 0..15: declare it uint16, not ${r.type}` });
    }
  }
  all.forEach((r, i) => {
    for (const earlier of all.slice(0, i)) {
      if (r.address < earlier.end && earlier.address < r.end) {
        issues.push({
          path: `registers.${r.name}`,
          message: `${r.name} (${span(r)}) overlaps ${earlier.name} (${span(earlier)}); give each register its own addresses`,
        });
      }
    }
  });
  const block = statusBlockSpan(Object.fromEntries(registers));
  if (block && block.count > MAX_READ_REGISTERS) {
    const last = registers.get(block.last)!;
    issues.push({
      path: 'registers',
      message:
        `the status block (${STATUS_BLOCK_REGISTERS.join(', ')}) spans ${block.count} registers, from ${block.first} at ${hex(block.address)} to ${block.last} ending at ${hex(last.end - 1)}; ` +
        `one FC03 reads at most ${MAX_READ_REGISTERS}, so move ${block.first} or ${block.last} closer to the others`,
    });
  }
}

function checkCommLossTimeout(timeoutMs: unknown, register: Placed | undefined, issues: ProfileLayoutIssue[]): void {
  if (!register || !Number.isInteger(timeoutMs)) return;
  const max = TYPE_MAX[register.type];
  if ((timeoutMs as number) > max) {
    issues.push({
      path: 'commLossTimeoutMs',
      message: `commLossTimeoutMs ${String(timeoutMs)} does not fit registers.commLossTimeout (${register.type}, at most ${max}); lower it or declare the register uint16`,
    });
  }
}

function checkDistinctBits(bits: Obj | undefined, at: string, word: string, issues: ProfileLayoutIssue[]): void {
  if (!bits) return;
  const owner = new Map<number, string>();
  for (const [name, bit] of Object.entries(bits)) {
    if (!Number.isInteger(bit)) continue;
    const first = owner.get(bit as number);
    if (first === undefined) owner.set(bit as number, name);
    else
      issues.push({
        path: `${at}.${name}`,
        message: `${name} uses ${word} bit ${String(bit)}, which is already ${first}'s; give each function its own bit`,
      });
  }
}
