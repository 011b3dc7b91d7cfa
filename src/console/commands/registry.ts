import { didYouMean } from '../../config/did-you-mean.ts';
import { ConsoleUsageError } from '../errors.ts';
import { expectArgs, noArgCommand, quote } from './args.ts';
import { AXIS_COMMANDS } from './axis-commands.ts';
import { answer, type CommandSpec, type ConsoleServices } from './command.ts';
import { freshLineState, jobsResume } from './job-commands.ts';
import { READ_COMMANDS } from './read-commands.ts';
import { SIM_COMMANDS } from './sim-commands.ts';

const login: CommandSpec = {
  name: 'login',
  usage: 'login <name>',
  summary: 'log in as an operator; the PIN is asked next, without echo',
  details: [
    'Wrong PINs are journalled and lock logins for 1 s, 2 s, 4 s, ... (up to 60 s). Idle sessions are logged out (console.idleLogoutS).',
  ],
  access: 'read',
  run(args, { session }) {
    expectArgs(login, args, 1);
    return answer(...session.beginLogin(args[0]!));
  },
};

const logout = noArgCommand(
  { name: 'logout', summary: 'log out (read-only commands and hold stay available)', details: [], access: 'read' },
  ({ session }) => session.logout(),
);

const exit = noArgCommand(
  {
    name: 'exit',
    summary: 'end this session (Ctrl-D on an empty line too)',
    details: ['On the serial console a fresh session starts at once.'],
    access: 'read',
  },
  ({ session }) => session.exit(),
);

const help: CommandSpec = {
  name: 'help',
  usage: 'help [command]',
  summary: 'this list, or help <command> for one command',
  details: [],
  access: 'read',
  complete: (_index, before) => commandWordsAfter(before),
  run(args) {
    expectArgs(help, args, 0, 2);
    if (args[0] === undefined) {
      const width = Math.max(...COMMANDS.map((c) => c.name.length));
      return answer(
        ...COMMANDS.map((c) => `${c.access === 'operate' ? '*' : ' '} ${c.name.padEnd(width)}  ${c.summary}`),
        '* needs an operator login where the console asks for one (always on the serial console).',
        'Tab completes commands, axis ids and parked jobs; help <command> for more.',
      );
    }
    const found = findCommand(args);
    if (found.args.length > 0)
      throw new ConsoleUsageError(`help: ${found.spec.name} has no subcommand ${quote(found.args[0]!)}; usage: ${help.usage}`);
    const { spec } = found;
    const access = { read: 'anyone', stop: 'anyone, always', operate: 'a logged-in operator where the console asks for a login' }[
      spec.access
    ];
    return answer(`usage: ${spec.usage}`, `  ${spec.summary}`, ...spec.details.map((d) => `  ${d}`), `  allowed for: ${access}`);
  },
};

/** Every command, in the order `help` lists them. A name may have two words (`jobs resume`). */
export const COMMANDS: readonly CommandSpec[] = [
  ...READ_COMMANDS,
  ...AXIS_COMMANDS,
  jobsResume,
  freshLineState,
  ...SIM_COMMANDS,
  login,
  logout,
  exit,
  help,
];

/** A command a line calls, and the words after its name. */
export interface FoundCommand {
  readonly spec: CommandSpec;
  readonly args: readonly string[];
}

const nameWords = (spec: CommandSpec): readonly string[] => spec.name.split(' ');

/** The command `words` call (a two-word name before its first word alone); a usage error naming the likely one otherwise. */
export function findCommand(words: readonly string[]): FoundCommand {
  const found = lookUp(words);
  if (found) return found;
  const name = words[0] ?? '';
  throw new ConsoleUsageError(`unknown command ${quote(name)}${didYouMean(name, commandWordsAfter([]))}; type help for the list`);
}

function lookUp(words: readonly string[]): FoundCommand | undefined {
  for (const length of [2, 1]) {
    const spec = words.length >= length ? COMMANDS.find((c) => c.name === words.slice(0, length).join(' ')) : undefined;
    if (spec) return { spec, args: words.slice(length) };
  }
  return undefined;
}

/** The words that may follow `before` within a command name: every first word, or `resume` after `jobs`. */
function commandWordsAfter(before: readonly string[]): string[] {
  const next = COMMANDS.map(nameWords)
    .filter((name) => name.length > before.length && before.every((word, i) => name[i] === word))
    .map((name) => name[before.length]!);
  return [...new Set(next)];
}

/** Words of a command line, split on blanks. */
export const wordsOf = (line: string): string[] =>
  line
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);

/** readline's completer: candidates for the word under the cursor (commands, axis ids, keywords). */
export function completeLine(line: string, services: ConsoleServices): [string[], string] {
  const words = wordsOf(line);
  const current = /\s$/.test(line) || words.length === 0 ? '' : words.pop()!;
  const hits = candidatesAfter(words, services).filter((c) => c.startsWith(current));
  return [hits.length === 1 ? [`${hits[0]} `] : hits, current];
}

/** What may follow `words`: the rest of a command name, then the command's own arguments. */
function candidatesAfter(words: readonly string[], services: ConsoleServices): readonly string[] {
  const found = lookUp(words);
  if (!found) return words.length === 0 ? commandWordsAfter([]) : [];
  const { spec, args } = found;
  const subcommands = args.length === 0 ? commandWordsAfter(words) : [];
  return [...subcommands, ...(spec.complete?.(args.length, args, services) ?? [])];
}
