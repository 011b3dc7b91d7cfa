import { stringify } from 'yaml';
import { renderStatus } from '../../events/status-table.ts';
import { ConsoleUsageError } from '../errors.ts';
import { describeFault, describeLineEvent, eventAxes } from '../line-events.ts';
import { axisArg, axisIds, expectArgs, noArgCommand, numberArg, quote } from './args.ts';
import { renderAxisDetail } from './axis-text.ts';
import { answer, type CommandSpec, type ConsoleServices } from './command.ts';
import { jobs } from './job-commands.ts';
import { LINE_EVENT_TYPES, isNotable, type LineEvent } from '../../events/events.ts';

const STATUS_EVENTS = 5;
const AXIS_EVENTS = 8;
const DEFAULT_TAIL = 20;

/** Events that mean something went wrong, for `faults`. */
const isFaultEvent = (e: LineEvent): boolean =>
  e.type === 'trip' ||
  e.type === 'job_parked' ||
  e.type === 'sim_fault' ||
  (e.type === 'hold' && !e.acknowledged) ||
  (e.type === 'console_login' && e.outcome !== 'ok') ||
  (e.type === 'console_transport' && e.state === 'lost');

/** The most frames one `status --watch` shows (10 minutes at one a second). */
const MAX_WATCH_FRAMES = 600;
const DEFAULT_WATCH_FRAMES = 60;

const status: CommandSpec = {
  name: 'status',
  usage: 'status [--watch [frames]]',
  summary: 'every axis: state, breaker, position, following error, job; --watch redraws it every second',
  details: [
    'The same table as the live view of `axisguard run`, with the latest notable events under it, fitted to the terminal width.',
    `--watch redraws it once a second, ${DEFAULT_WATCH_FRAMES} times by default (at most ${MAX_WATCH_FRAMES}); any typed line or Ctrl-C stops it (a typed \`hold a\` still goes out at once).`,
  ],
  access: 'read',
  complete: (index) => (index === 0 ? ['--watch'] : []),
  async run(args, { services, session }) {
    expectArgs(status, args, 0, 2);
    const table = () => {
      const recent = services.history.tail(STATUS_EVENTS, isNotable).reverse();
      return renderStatus(services.clock.now() - services.startMs, services.supervisor.snapshot(), recent, [], { width: session.columns });
    };
    if (args.length === 0) return answer(...table());
    if (args[0] !== '--watch') throw new ConsoleUsageError(`status: unexpected ${quote(args[0]!)}; usage: ${status.usage}`);
    const frames =
      args[1] === undefined ? DEFAULT_WATCH_FRAMES : numberArg(status, args[1], `a number of frames, 1 to ${MAX_WATCH_FRAMES}`);
    if (!Number.isInteger(frames) || frames < 1 || frames > MAX_WATCH_FRAMES)
      throw new ConsoleUsageError(`status: --watch takes 1 to ${MAX_WATCH_FRAMES} frames, got ${args[1]}`);
    return answer(...(await session.watch(table, frames)));
  },
};

const axis: CommandSpec = {
  name: 'axis',
  usage: 'axis <axis>',
  summary: 'one axis: last sample, breaker, isolation, latched trip, events',
  details: ['Breaker counters count since start; "next probe" is when an open breaker may try a read-only probe.'],
  access: 'read',
  complete: (index, _before, services) => (index === 0 ? axisIds(services) : []),
  run(args, { services }) {
    expectArgs(axis, args, 1);
    const id = axisArg(services, axis, args[0]!);
    const detail = services.supervisor.axisDetail(id);
    const recent = services.history.tail(AXIS_EVENTS, (e) => eventAxes(e).includes(id));
    return answer(
      ...renderAxisDetail(detail, services.clock.now(), services.simulators.get(id)),
      '  recent events:',
      ...(recent.length > 0 ? recent.map((e) => `    ${describeLineEvent(e)}`) : ['    none']),
    );
  },
};

interface TailQuery {
  readonly n: number;
  readonly axis: string | undefined;
  readonly type: string | undefined;
}

/** Parses `[n] [--axis id] [--type t]` in any order. */
function parseTail(spec: CommandSpec, args: readonly string[], services: ConsoleServices): TailQuery {
  let n = DEFAULT_TAIL;
  let axisId: string | undefined;
  let type: string | undefined;
  const max = services.history.capacity;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--axis' || word === '--type') {
      const value = args[++i];
      if (value === undefined) throw new ConsoleUsageError(`${spec.name}: ${word} needs a value; usage: ${spec.usage}`);
      if (word === '--axis') axisId = axisArg(services, spec, value);
      else if ((LINE_EVENT_TYPES as readonly string[]).includes(value)) type = value;
      else throw new ConsoleUsageError(`${spec.name}: unknown event type ${quote(value)}; known: ${LINE_EVENT_TYPES.join(', ')}`);
    } else if (word.startsWith('-')) {
      throw new ConsoleUsageError(`${spec.name}: unknown option ${quote(word)}; usage: ${spec.usage}`);
    } else {
      n = numberArg(spec, word, `a count from 1 to ${max}`);
      if (!Number.isInteger(n) || n < 1 || n > max)
        throw new ConsoleUsageError(`${spec.name}: count ${quote(word)} out of range; expected a whole number from 1 to ${max}`);
    }
  }
  return { n, axis: axisId, type };
}

const journal: CommandSpec = {
  name: 'journal',
  usage: 'journal [n] [--axis <axis>] [--type <type>]',
  summary: 'the last n events (default 20), of one axis or one type',
  details: [`Kept in memory (console.historySize, oldest dropped first). Types: ${LINE_EVENT_TYPES.join(', ')}.`],
  access: 'read',
  complete: (_index, before, services) => {
    const last = before.at(-1);
    if (last === '--axis') return axisIds(services);
    if (last === '--type') return LINE_EVENT_TYPES;
    return ['--axis', '--type'];
  },
  run(args, { services }) {
    const q = parseTail(journal, args, services);
    const events = services.history.tail(
      q.n,
      (e) => (q.axis === undefined || eventAxes(e).includes(q.axis)) && (q.type === undefined || e.type === q.type),
    );
    return answer(...(events.length > 0 ? events.map(describeLineEvent) : ['no such events kept']));
  },
};

const faults: CommandSpec = {
  name: 'faults',
  usage: 'faults [n] [--axis <axis>]',
  summary: 'what is wrong now, and the last fault events',
  details: ['Fault events: trips, parked jobs, unconfirmed holds, simulator faults, wrong PINs, a lost console port.'],
  access: 'read',
  complete: (_index, before, services) => (before.at(-1) === '--axis' ? axisIds(services) : ['--axis']),
  run(args, { services }) {
    const q = parseTail(faults, args, services);
    if (q.type !== undefined) throw new ConsoleUsageError(`faults: --type is not an option here; use journal --type ${q.type}`);
    const now: string[] = [];
    for (const id of axisIds(services)) {
      if (q.axis !== undefined && id !== q.axis) continue;
      const d = services.supervisor.axisDetail(id);
      const problems = [
        ...(d.latchedTrip ? [`latched ${d.latchedTrip.reason}: ${d.latchedTrip.detail}`] : []),
        ...(d.breaker.state !== 'closed'
          ? [`breaker ${d.breaker.state}${d.breaker.isolatedBy.length > 0 ? ` (isolated by ${d.breaker.isolatedBy.join(', ')})` : ''}`]
          : []),
        ...(services.simulators
          .get(id)
          ?.activeFaults()
          .map((f) => `simulated ${describeFault(f.spec)} (#${f.id})`) ?? []),
      ];
      if (problems.length > 0) now.push(`  ${id} (${d.snapshot.state}): ${problems.join('; ')}`);
    }
    const recent = services.history.tail(q.n, (e) => isFaultEvent(e) && (q.axis === undefined || eventAxes(e).includes(q.axis)));
    return answer(
      'now:',
      ...(now.length > 0 ? now : ['  no axis is faulted']),
      'recent fault events:',
      ...(recent.length > 0 ? recent.map((e) => `  ${describeLineEvent(e)}`) : ['  none']),
    );
  },
};

const config = noArgCommand(
  { name: 'config', summary: 'the effective config as YAML (PIN hashes hidden)', details: [], access: 'read' },
  ({ services }) => {
    const c = services.config;
    const { socket, operators } = c.console ?? {};
    const shown = c.console && {
      ...c.console,
      socket: socket && { ...socket, mode: `0${socket.mode.toString(8)}` },
      operators: operators?.map((o) => ({ name: o.name, pinHash: '(hidden)' })),
    };
    return stringify({ ...c, console: shown })
      .trimEnd()
      .split('\n');
  },
);

const version = noArgCommand(
  { name: 'version', summary: 'axisguard and Node.js versions, and the line', details: [], access: 'read' },
  ({ services }) => [`axisguard ${services.version} on Node.js ${process.version}, line '${services.config.line}'`],
);

export const READ_COMMANDS: readonly CommandSpec[] = [status, axis, jobs, faults, journal, config, version];
