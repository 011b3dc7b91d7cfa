import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import * as z from 'zod';
import type { DriveProfile, ProfileRegisters } from './drive-profile.ts';
import { LAST_ADDRESS, REGISTER_NAMES, checkProfileLayout } from './profile-layout.ts';
import { brandedError, brandGuard } from '../src/common/branded-error.ts';

/**
 * Reading drive profiles (hardware/profiles/*.yaml, or a file of your own) into a DriveProfile.
 * Field types come from the zod schema; the checks that span fields (profile-layout.ts: overlaps, bit clashes, the
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

export { statusBlockSpan, type RegisterSpan } from './profile-layout.ts';

/** Profiles shipped in hardware/profiles/, loadable by name. */
export const BUILT_IN_PROFILES: readonly string[] = ['kpower-generic', 'cia402-generic'];

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
  const issues = [...(parsed.success ? [] : toIssues(parsed.error.issues)), ...checkProfileLayout(data)];
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
