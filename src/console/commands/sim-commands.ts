import type { SimulatedFault } from '../../config/index.ts';
import { ConsoleUsageError } from '../errors.ts';
import { describeFault } from '../line-events.ts';
import { expectArgs, numberArg, quote } from './args.ts';
import { answer, type CommandContext, type CommandSpec, type SimulatedAxis } from './command.ts';

const FAULT_USAGE =
  'silent | jam | slow <latencyMs> | dropout <probability 0..1> | alarm <code 1..65535> | ' +
  'wear <lag growth per min, 0.1 = +10 %> | slowing_drive <ms per min> | degrading_link <probability per min>';

/** A fault from words, with the ranges the config file allows. */
function parseFault(words: readonly string[]): SimulatedFault {
  const [kind, value] = words;
  const wants = (n: number) => {
    if (words.length !== n)
      throw new ConsoleUsageError(
        `sim inject: fault ${quote(kind ?? '')} takes ${n - 1} value${n === 2 ? '' : 's'}; faults: ${FAULT_USAGE}`,
      );
  };
  const number = (what: string, ok: (n: number) => boolean): number => {
    const n = numberArg(sim, value!, what);
    if (!ok(n)) throw new ConsoleUsageError(`sim inject: ${quote(value!)} out of range; expected ${what}`);
    return n;
  };
  switch (kind) {
    case 'silent':
    case 'jam':
      wants(1);
      return { kind };
    case 'slow':
      wants(2);
      return { kind, latencyMs: number('a latency in ms, > 0 and <= 600000', (n) => n > 0 && n <= 600_000) };
    case 'dropout':
      wants(2);
      return { kind, probability: number('a probability from 0 to 1', (n) => n >= 0 && n <= 1) };
    case 'alarm':
      wants(2);
      return { kind, code: number('a whole alarm code from 1 to 65535', (n) => Number.isInteger(n) && n >= 1 && n <= 65_535) };
    case 'wear':
      wants(2);
      return { kind, lagGrowthPerMin: number('a lag growth per minute, > 0 and <= 100', (n) => n > 0 && n <= 100) };
    case 'slowing_drive':
      wants(2);
      return { kind, latencyMsPerMin: number('ms per minute, > 0 and <= 60000', (n) => n > 0 && n <= 60_000) };
    case 'degrading_link':
      wants(2);
      return { kind, probabilityPerMin: number('a probability per minute, > 0 and <= 1', (n) => n > 0 && n <= 1) };
    default:
      throw new ConsoleUsageError(
        `sim inject: ${kind === undefined ? 'missing fault' : `unknown fault ${quote(kind)}`}; faults: ${FAULT_USAGE}`,
      );
  }
}

/** The simulated drive of `word`, or a usage error (unknown axis, or an axis with a real drive). */
function simulatedAxis(ctx: CommandContext, word: string): SimulatedAxis {
  const drive = ctx.services.simulators.get(word);
  if (drive) return drive;
  const simulated = [...ctx.services.simulators.keys()];
  const known = ctx.services.config.axes.some((a) => a.id === word);
  throw new ConsoleUsageError(
    `sim: ${quote(word)} ${known ? 'has a real drive; faults can only be injected into simulated axes' : 'is not an axis'} (simulated: ${simulated.join(', ') || 'none'})`,
  );
}

function inject(ctx: CommandContext, args: readonly string[]): string {
  const id = args[0]!;
  const drive = simulatedAxis(ctx, id);
  const fault = parseFault(args.slice(1));
  const injected = drive.injectFault(fault);
  ctx.services.emit({ type: 'sim_fault', atMs: ctx.services.clock.now(), axis: id, action: 'inject', fault });
  return `${id}: simulated fault #${injected.id} ${describeFault(fault)} injected`;
}

function clear(ctx: CommandContext, args: readonly string[]): string {
  const id = args[0]!;
  const drive = simulatedAxis(ctx, id);
  const active = drive.activeFaults();
  const which = args[1];
  const list = active.map((f) => `#${f.id} ${describeFault(f.spec)}`).join(', ');
  let cleared: typeof active;
  if (which === 'all') cleared = active;
  else if (which === undefined) {
    if (active.length > 1)
      throw new ConsoleUsageError(`sim clear: ${id} has ${active.length} faults (${list}); say which: sim clear ${id} <number>|all`);
    cleared = active;
  } else {
    const n = Number(which.replace(/^#/, ''));
    cleared = active.filter((f) => f.id === n);
    if (cleared.length === 0)
      throw new ConsoleUsageError(`sim clear: ${id} has no active fault ${quote(which)}; active: ${list || 'none'}`);
  }
  if (cleared.length === 0) return `${id}: no simulated fault was active`;
  for (const f of cleared) {
    drive.clearFault(f.id);
    ctx.services.emit({ type: 'sim_fault', atMs: ctx.services.clock.now(), axis: id, action: 'clear', fault: f.spec });
  }
  return `${id}: cleared ${cleared.map((f) => `#${f.id} ${describeFault(f.spec)}`).join(', ')} (a latched drive alarm stays until reset)`;
}

const sim: CommandSpec = {
  name: 'sim',
  usage: 'sim inject <axis> <fault> | sim clear <axis> [<n>|all]',
  summary: 'inject or clear a fault in a simulated drive',
  details: [`Faults: ${FAULT_USAGE}. Without a number, clear needs exactly one active fault.`],
  access: 'operate',
  complete(index, before, services) {
    if (index === 0) return ['inject', 'clear'];
    if (index === 1) return [...services.simulators.keys()];
    if (index === 2 && before[0] === 'inject')
      return ['silent', 'jam', 'slow', 'dropout', 'alarm', 'wear', 'slowing_drive', 'degrading_link'];
    const drive = services.simulators.get(before[1] ?? '');
    return index === 2 && before[0] === 'clear' && drive ? ['all', ...drive.activeFaults().map((f) => String(f.id))] : [];
  },
  run(args, ctx) {
    expectArgs(sim, args, 2, 4);
    if (args[0] === 'inject') return answer(inject(ctx, args.slice(1)));
    if (args[0] === 'clear') {
      expectArgs(sim, args, 2, 3);
      return answer(clear(ctx, args.slice(1)));
    }
    throw new ConsoleUsageError(`sim: unknown action ${quote(args[0]!)}; usage: ${sim.usage}`);
  },
};

export const SIM_COMMANDS: readonly CommandSpec[] = [sim];
