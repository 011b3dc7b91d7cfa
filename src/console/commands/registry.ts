import { didYouMean } from '../../config/did-you-mean.ts';
import { ConsoleUsageError } from '../errors.ts';
import { expectArgs, quote } from './args.ts';
import { AXIS_COMMANDS } from './axis-commands.ts';
import { answer, type CommandSpec, type ConsoleServices } from './command.ts';
import { READ_COMMANDS } from './read-commands.ts';
import { SIM_COMMANDS } from './sim-commands.ts';

const login: CommandSpec = {
  name: 'login',
  usage: 'login <name>',
  summary: 'log in as an operator; the PIN is asked next, without echo',
  details: ['Wrong PINs are journalled and lock logins for 1 s, 2 s, 4 s, ... (up to 60 s). Idle sessions are logged out (console.idleLogoutS).'],
  access: 'read',
  run(args, { session }) {
    expectArgs(login, args, 1);
    return answer(...session.beginLogin(args[0]!));
  },
};

const logout: CommandSpec = {
  name: 'logout',
  usage: 'logout',
  summary: 'log out (read-only commands and hold stay available)',
  details: [],
  access: 'read',
  run(args, { session }) {
    expectArgs(logout, args, 0);
    return answer(...session.logout());
  },
};

const exit: CommandSpec = {
  name: 'exit',
  usage: 'exit',
  summary: 'end this session (Ctrl-D on an empty line too)',
  details: ['On the serial console a fresh session starts at once.'],
  access: 'read',
  run(args, { session }) {
    expectArgs(exit, args, 0);
    return answer(...session.exit());
  },
};

const help: CommandSpec = {
  name: 'help',
  usage: 'help [command]',
  summary: 'this list, or help <command> for one command',
  details: [],
  access: 'read',
  complete: (index) => (index === 0 ? COMMANDS.map((c) => c.name) : []),
  run(args) {
    expectArgs(help, args, 0, 1);
    if (args[0] === undefined) {
      const width = Math.max(...COMMANDS.map((c) => c.name.length));
      return answer(
        ...COMMANDS.map((c) => `${c.access === 'operate' ? '*' : ' '} ${c.name.padEnd(width)}  ${c.summary}`),
        '* needs an operator login where the console asks for one (always on the serial console).',
        'Tab completes commands and axis ids; help <command> for more.',
      );
    }
    const spec = findCommand(args[0]);
    const access = { read: 'anyone', stop: 'anyone, always', operate: 'a logged-in operator where the console asks for a login' }[spec.access];
    return answer(`usage: ${spec.usage}`, `  ${spec.summary}`, ...spec.details.map((d) => `  ${d}`), `  allowed for: ${access}`);
  },
};

/** Every command, in the order `help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [...READ_COMMANDS, ...AXIS_COMMANDS, ...SIM_COMMANDS, login, logout, exit, help];

/** The command called `name`; a usage error naming the likely one otherwise. */
export function findCommand(name: string): CommandSpec {
  const spec = COMMANDS.find((c) => c.name === name);
  if (spec) return spec;
  const names = COMMANDS.map((c) => c.name);
  throw new ConsoleUsageError(`unknown command ${quote(name)}${didYouMean(name, names)}; type help for the list`);
}

/** Words of a command line, split on blanks. */
export const wordsOf = (line: string): string[] => line.trim().split(/\s+/).filter((w) => w.length > 0);

/** readline's completer: candidates for the word under the cursor (commands, axis ids, keywords). */
export function completeLine(line: string, services: ConsoleServices): [string[], string] {
  const words = wordsOf(line);
  const current = /\s$/.test(line) || words.length === 0 ? '' : words.pop()!;
  let candidates: readonly string[];
  if (words.length === 0) candidates = COMMANDS.map((c) => c.name);
  else {
    const spec = COMMANDS.find((c) => c.name === words[0]);
    candidates = spec?.complete?.(words.length - 1, words.slice(1), services) ?? [];
  }
  const hits = candidates.filter((c) => c.startsWith(current));
  return [hits.length === 1 ? [`${hits[0]} `] : hits, current];
}
