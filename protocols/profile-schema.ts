import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import * as z from 'zod';
import { registerCount, type DriveProfile, type ProfileRegisters, type RegisterField, type RegisterType } from './drive-profile.ts';
import { MAX_READ_REGISTERS } from './pdu.ts';
import { brandedError, brandGuard } from '../src/common/branded-error.ts';

/**
 * Reading drive profiles (hardware/profiles/*.yaml, or a file of your own) into a DriveProfile.
 * Field types come from the zod schema; the checks that span fields (overlaps, bit clashes, the
 * width of the status block) read the raw document, so that every problem of a file is reported in
 * one go even when some fields are malformed (those are skipped there: the schema reports them).
 */

/** One thing wrong with a profile: where (`registers.actualPosition.address`) and how to fix it. */
export interface DriveProfileIssue {
  /** Dotted path in the document; empty for the file as a whole (unreadable, not YAML). */
  readonly path: string;
  readonly message: string;
}

/**
 * A profile refused when it is loaded. Carries every issue found, not just the first; `source` is
 * the file (or built-in name) the profile came from.
 */
export class DriveProfileError extends brandedError(
  'DriveProfileError',
  ['source', 'issues'],
  (source: string, issues: readonly DriveProfileIssue[]) =>
    `${source}: drive profile refused, ${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}:\n${formatIssues(source, issues)}`,
) {
  /** One line per issue: `source: path: message`. */
  format(): string {
    return formatIssues(this.source, this.issues);
  }
}

export const isDriveProfileError = brandGuard<DriveProfileError>('isDriveProfileError');

/** Profiles shipped in hardware/profiles/, loadable by name. */
export const BUILT_IN_PROFILES: readonly string[] = ['kpower-generic', 'cia402-generic'];

const LAST_ADDRESS = 0xffff;

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
const REGISTER_NAMES: readonly (keyof ProfileRegisters)[] = [
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
const TYPE_MAX: Readonly<Record<RegisterType, number>> = { uint16: 0xffff, int16: 0x7fff, uint32: 0xffff_ffff, int32: 0x7fff_ffff };

/** A strict object whose unknown-key issue lists the keys allowed there (one issue per key follows in toIssues). */
const strict = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `known keys here: ${Object.keys(shape).join(', ')}` : undefined),
  });

const Register = strict({
  address: z.int().min(0, { error: 'address must be 0..65535 (0x0000..0xFFFF), a 0-based protocol address' }).max(LAST_ADDRESS, {
    error: 'address must be 0..65535 (0x0000..0xFFFF); manuals that number holding registers 40001.. are 1-based: subtract 40001',
  }),
  type: z.enum(['uint16', 'int16', 'uint32', 'int32']),
});

const Bit = z.int().min(0, { error: 'bit numbers are 0..15' }).max(15, { error: 'bit numbers are 0..15 (the word is 16 bits)' });

const BitsControl = strict({
  style: z.literal('bits'),
  controlBits: strict({ enable: Bit, hold: Bit, start: Bit, alarmReset: Bit }),
  statusBits: strict({ ready: Bit, enabled: Bit, moving: Bit, targetReached: Bit, alarm: Bit, holding: Bit }),
});

const DriveProfileSchema = strict({
  name: z.string().min(1, { error: 'give the profile a name' }),
  description: z.string(),
  wordOrder: z.enum(['high_first', 'low_first']),
  countsPerMm: z.number().positive({ error: 'countsPerMm must be > 0 (encoder counts per mm of axis travel)' }),
  commLossTimeoutMs: z.int().min(0, { error: 'commLossTimeoutMs must be 0..65535 (0 turns the watchdog off)' }).max(0xffff, {
    error: 'commLossTimeoutMs must be 0..65535 (0 turns the watchdog off)',
  }),
  registers: strict(Object.fromEntries(REGISTER_NAMES.map((name) => [name, Register])) as Record<keyof ProfileRegisters, typeof Register>),
  control: z.discriminatedUnion('style', [BitsControl, strict({ style: z.literal('cia402') })]),
}) satisfies z.ZodType<DriveProfile>;

/** Missing keys say so; a value outside a set (type, wordOrder, style) names the ones allowed. */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type' && issue.input === undefined) return `missing (expected ${issue.expected})`;
  if (issue.code === 'invalid_value') {
    const given = issue.input === undefined ? 'missing' : `got ${JSON.stringify(issue.input)}`;
    return `must be one of: ${issue.values.map(String).join(', ')} (${given})`;
  }
  if (issue.code === 'invalid_union' && issue.discriminator === 'style') return 'style must be one of: bits, cia402';
  return undefined;
};

/**
 * Parses and validates a profile given as YAML or JSON text (JSON is read as YAML 1.2, of which it is
 * a subset; YAML allows hex addresses such as 0x000A). `source` names the text in messages. Throws
 * DriveProfileError listing every problem.
 */
export function parseDriveProfile(text: string, source: string): DriveProfile {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0)
    throw new DriveProfileError(
      source,
      doc.errors.map((e) => ({ path: '', message: `YAML syntax error: ${e.message}` })),
    );
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    throw new DriveProfileError(source, [{ path: '', message: `cannot read the document: ${(error as Error).message}` }]);
  }
  const parsed = DriveProfileSchema.safeParse(data, { error: errorMap });
  const issues = [...(parsed.success ? [] : toIssues(parsed.error.issues)), ...crossCheck(data)];
  if (issues.length > 0 || !parsed.success) throw new DriveProfileError(source, issues);
  return parsed.data;
}

/**
 * Loads a built-in profile by name (see BUILT_IN_PROFILES; read from hardware/profiles/<name>.yaml
 * next to this package) or a profile file: anything containing '/' or ending in .yaml, .yml or .json
 * is a path, relative to the working directory. Throws DriveProfileError, also for an unknown name or
 * an unreadable file.
 */
export async function loadDriveProfile(nameOrPath: string): Promise<DriveProfile> {
  const path = /[/\\]|\.(ya?ml|json)$/i.test(nameOrPath) ? nameOrPath : builtInPath(nameOrPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DriveProfileError(path, [{ path: '', message: `cannot read the profile file: ${(error as Error).message}` }]);
  }
  return parseDriveProfile(text, path);
}

function builtInPath(name: string): string {
  if (!BUILT_IN_PROFILES.includes(name)) {
    const message = `no built-in profile '${name}' (built-in: ${BUILT_IN_PROFILES.join(', ')}); a profile file needs a '/' in its path or a .yaml, .yml or .json ending`;
    throw new DriveProfileError(name, [{ path: '', message }]);
  }
  return fileURLToPath(new URL(`../hardware/profiles/${name}.yaml`, import.meta.url));
}

function toIssues(issues: readonly z.core.$ZodIssue[]): DriveProfileIssue[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code !== 'unrecognized_keys') return [{ path: path.join('.'), message: issue.message }];
    return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: `unknown key '${key}'; ${issue.message}` }));
  });
}

function formatIssues(source: string, issues: readonly DriveProfileIssue[]): string {
  return issues.map((issue) => (issue.path ? `${source}: ${issue.path}: ${issue.message}` : `${source}: ${issue.message}`)).join('\n');
}

// ---- checks that span fields, on the raw document ----

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

function crossCheck(document: unknown): DriveProfileIssue[] {
  const root = asObject(document);
  if (!root) return [];
  const issues: DriveProfileIssue[] = [];
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

function checkRegisters(registers: ReadonlyMap<keyof ProfileRegisters, Placed>, issues: DriveProfileIssue[]): void {
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

function checkCommLossTimeout(timeoutMs: unknown, register: Placed | undefined, issues: DriveProfileIssue[]): void {
  if (!register || !Number.isInteger(timeoutMs)) return;
  const max = TYPE_MAX[register.type];
  if ((timeoutMs as number) > max) {
    issues.push({
      path: 'commLossTimeoutMs',
      message: `commLossTimeoutMs ${String(timeoutMs)} does not fit registers.commLossTimeout (${register.type}, at most ${max}); lower it or declare the register uint16`,
    });
  }
}

function checkDistinctBits(bits: Obj | undefined, at: string, word: string, issues: DriveProfileIssue[]): void {
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
