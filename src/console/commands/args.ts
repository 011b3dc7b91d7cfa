import { didYouMean } from '../../config/did-you-mean.ts';
import { ConsoleUsageError } from '../errors.ts';
import { answer, type CommandContext, type CommandSpec, type ConsoleServices } from './command.ts';

/** User input as it may be shown back: quoted, escaped, at most 40 characters. */
export function quote(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 40)}...` : text;
  return JSON.stringify(short).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A command without arguments (its usage is its name unless `usage` says more): any argument is a
 * usage error; otherwise it answers the lines `say` gives.
 */
export function noArgCommand(
  spec: Omit<CommandSpec, 'usage' | 'run' | 'complete'> & { readonly usage?: string },
  say: (ctx: CommandContext) => readonly string[],
): CommandSpec {
  const command: CommandSpec = {
    ...spec,
    usage: spec.usage ?? spec.name,
    run(args, ctx) {
      expectArgs(command, args, 0);
      return answer(...say(ctx));
    },
  };
  return command;
}

/** Throws a usage error naming the command's usage unless `args` has `min` to `max` words. */
export function expectArgs(spec: CommandSpec, args: readonly string[], min: number, max = min): void {
  if (args.length < min) throw new ConsoleUsageError(`${spec.name}: missing argument; usage: ${spec.usage}`);
  if (args.length > max) throw new ConsoleUsageError(`${spec.name}: unexpected ${quote(args[max]!)}; usage: ${spec.usage}`);
}

export function axisIds(services: ConsoleServices): string[] {
  return services.config.axes.map((a) => a.id);
}

/** `word` when it names an axis; else a usage error listing the axes (and the likely one). */
export function axisArg(services: ConsoleServices, spec: CommandSpec, word: string): string {
  const known = axisIds(services);
  if (known.includes(word)) return word;
  throw new ConsoleUsageError(`${spec.name}: no axis ${quote(word)}${didYouMean(word, known)}; known axes: ${known.join(', ')}`);
}

const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

/** A plain decimal number (no exponent, hex, NaN or Infinity); else a usage error saying `expected`. */
export function numberArg(spec: CommandSpec, word: string, expected: string): number {
  const value = DECIMAL.test(word) ? Number(word) : Number.NaN;
  if (!Number.isFinite(value)) throw new ConsoleUsageError(`${spec.name}: ${quote(word)} is not a number; expected ${expected}`);
  return value;
}

/** The message of any error, on one line. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*[\r\n]+\s*/g, '; ');
}
