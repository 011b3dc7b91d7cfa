import { assertNever } from '../../src/common/never.ts';
import type { SimFaultKind, SimFaultSpec } from './sim-faults.ts';

/**
 * The simulator's operator console: one command per line (the `axisguard sim` stdin), parsed into
 * data. Running them is the CLI's business.
 */
export type ConsoleCommand =
  | { readonly kind: 'inject'; readonly unitId: number; readonly fault: SimFaultSpec }
  | { readonly kind: 'clear'; readonly unitId: number; readonly faultKind: SimFaultKind | undefined }
  | { readonly kind: 'status'; readonly unitId: number | undefined }
  | { readonly kind: 'help' };

/** A line that is not a command, with what was expected. */
export interface ConsoleParseError {
  readonly kind: 'error';
  readonly message: string;
}

const FAULT_USAGE =
  'silent|slow <ms>|dropout <p>|crc <p>|garbage <p>|exception <code>|alarm <code>|jam|' +
  'wear <lag growth/min>|slowing_drive <ms/min>|degrading_link <p/min>';
const FAULT_KINDS: readonly SimFaultKind[] = [
  'silent',
  'slow',
  'dropout',
  'crc',
  'garbage',
  'exception',
  'alarm',
  'jam',
  'wear',
  'slowing_drive',
  'degrading_link',
];

export const CONSOLE_HELP = [
  'commands, one per line:',
  `  inject <unit> ${FAULT_USAGE}`,
  '      <ms> answer delay, <p> probability 0..1 per request, <code> Modbus exception or drive alarm code',
  `  clear <unit> [${FAULT_KINDS.join('|')}|all]   (default all; a latched alarm stays until reset over Modbus)`,
  '  status [unit]',
  '  help',
].join('\n');

const error = (message: string): ConsoleParseError => ({ kind: 'error', message });

/** Parses one line; undefined for a blank line or a # comment. Never throws. */
export function parseConsoleLine(line: string): ConsoleCommand | ConsoleParseError | undefined {
  const words = line
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const [verb, ...args] = words;
  if (verb === undefined || verb.startsWith('#')) return undefined;
  switch (verb) {
    case 'inject':
      return parseInject(args);
    case 'clear': {
      const unitId = unitOf(args[0]);
      const kind = args[1] ?? 'all';
      if (unitId === undefined || args.length > 2 || (kind !== 'all' && !isFaultKind(kind)))
        return error(`expected 'clear <unit> [${FAULT_KINDS.join('|')}|all]'`);
      return { kind: 'clear', unitId, faultKind: kind === 'all' ? undefined : kind };
    }
    case 'status': {
      const unitId = unitOf(args[0]);
      if (args.length > 1 || (args.length === 1 && unitId === undefined)) return error("expected 'status [unit]' with a unit id 1..247");
      return { kind: 'status', unitId };
    }
    case 'help':
      return { kind: 'help' };
    default:
      return error(`unknown command '${verb}'; expected inject, clear, status or help`);
  }
}

function parseInject(args: readonly string[]): ConsoleCommand | ConsoleParseError {
  const usage = error(`expected 'inject <unit> ${FAULT_USAGE}'`);
  const [unitText, kind, valueText, ...rest] = args;
  const unitId = unitOf(unitText);
  if (unitId === undefined || kind === undefined || rest.length > 0) return usage;
  const value = valueText === undefined ? undefined : Number(valueText);
  const needsValue = kind !== 'silent' && kind !== 'jam';
  if (needsValue !== (value !== undefined) || (value !== undefined && !Number.isFinite(value))) return usage;
  const fault = faultOf(kind, value ?? 0);
  return fault ? { kind: 'inject', unitId, fault } : usage;
}

function faultOf(kind: string, value: number): SimFaultSpec | undefined {
  switch (kind) {
    case 'silent':
    case 'jam':
      return { kind };
    case 'slow':
      return { kind, latencyMs: value };
    case 'dropout':
    case 'crc':
    case 'garbage':
      return { kind, probability: value };
    case 'exception':
    case 'alarm':
      return { kind, code: value };
    case 'wear':
      return { kind, lagGrowthPerMin: value };
    case 'slowing_drive':
      return { kind, latencyMsPerMin: value };
    case 'degrading_link':
      return { kind, probabilityPerMin: value };
    default:
      return undefined;
  }
}

/** A fault the way `inject` takes it, e.g. "slow 50", "alarm 42". */
export function describeFault(spec: SimFaultSpec): string {
  switch (spec.kind) {
    case 'silent':
    case 'jam':
      return spec.kind;
    case 'slow':
      return `slow ${spec.latencyMs}`;
    case 'dropout':
    case 'crc':
    case 'garbage':
      return `${spec.kind} ${spec.probability}`;
    case 'exception':
    case 'alarm':
      return `${spec.kind} ${spec.code}`;
    case 'wear':
      return `wear ${spec.lagGrowthPerMin}`;
    case 'slowing_drive':
      return `slowing_drive ${spec.latencyMsPerMin}`;
    case 'degrading_link':
      return `degrading_link ${spec.probabilityPerMin}`;
    default:
      return assertNever(spec, 'fault');
  }
}

const isFaultKind = (word: string): word is SimFaultKind => (FAULT_KINDS as readonly string[]).includes(word);

function unitOf(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const unitId = Number(text);
  return unitId >= 1 && unitId <= 247 ? unitId : undefined;
}
