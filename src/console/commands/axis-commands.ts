import { IllegalAxisCommandError, transition } from '../../axis/axis-state.ts';
import { BreakerIsolatedError } from '../../breaker/errors.ts';
import { JOG_SPEED_SHARE } from '../../supervisor/operator.ts';
import { ConsoleUsageError } from '../errors.ts';
import { axisArg, axisIds, expectArgs, numberArg, oneLine, quote } from './args.ts';
import { answer, type CommandSpec, type ConsoleServices } from './command.ts';
import type { LineEvent } from '../../events/events.ts';

const axisFirst = (index: number, _before: readonly string[], services: ConsoleServices): readonly string[] =>
  index === 0 ? axisIds(services) : [];
const stateOf = (services: ConsoleServices, id: string): string => services.supervisor.axisDetail(id).snapshot.state;

type HoldEvent = Extract<LineEvent, { type: 'hold' }>;
const isHoldOf =
  (id: string) =>
  (e: LineEvent): e is HoldEvent =>
    e.type === 'hold' && e.axis === id;

/** Holds one axis and says whether the drive confirmed it; never throws (for `hold all`). */
async function holdOne(services: ConsoleServices, id: string, by: string): Promise<string> {
  try {
    await services.supervisor.operator.hold(id, by);
  } catch (error) {
    return `error: ${id}: ${oneLine(error)}`;
  }
  // operator.hold reports its hold before it resolves, so the newest hold event of the axis is this one.
  const sent = services.history.tail(1, isHoldOf(id))[0];
  return `${id}: held, ${stateOf(services, id)}; ${sent?.acknowledged ? 'the drive confirmed the hold' : `hold NOT confirmed${sent?.detail ? `: ${sent.detail}` : ''}`}`;
}

const hold: CommandSpec = {
  name: 'hold',
  usage: 'hold <axis>|all',
  summary: 'latched stop of one axis or of all; never needs a login',
  details: [
    'The axis stops and holds position; its current job move runs again after `release`. Runs at once, even while another command is busy.',
  ],
  access: 'stop',
  complete: (index, _before, services) => (index === 0 ? ['all', ...axisIds(services)] : []),
  async run(args, { services, session }) {
    expectArgs(hold, args, 1);
    const ids = args[0] === 'all' ? axisIds(services) : [axisArg(services, hold, args[0]!)];
    return answer(...(await Promise.all(ids.map((id) => holdOne(services, id, session.by)))));
  },
};

/**
 * `<name> <axis>`, for an operator: awaits the operator's action of that name on the axis, then
 * answers `<axis>: <done>, <state>`.
 */
function operatorAction(name: 'release' | 'enable' | 'disable', summary: string, done: string): CommandSpec {
  const command: CommandSpec = {
    name,
    usage: `${name} <axis>`,
    summary,
    details: [],
    access: 'operate',
    complete: axisFirst,
    async run(args, { services, session }) {
      expectArgs(command, args, 1);
      const id = axisArg(services, command, args[0]!);
      await services.supervisor.operator[name](id, session.by);
      return answer(`${id}: ${done}, ${stateOf(services, id)}`);
    },
  };
  return command;
}

const release = operatorAction('release', 'end a hold: re-sync, then Standstill; jobs carry on', 'released');

const enable = operatorAction('enable', 'power on: re-sync, enable, Standstill', 'enabled');

const disable = operatorAction('disable', 'power off until enable (mind axes that fall without power)', 'disabled');

const reset: CommandSpec = {
  name: 'reset',
  usage: 'reset <axis>',
  summary: 'leave ErrorStop: clear alarm, re-sync, close breaker; asks yes',
  details: ['Refused while the axis is isolated or not in ErrorStop. Only `yes` confirms; anything else cancels.'],
  access: 'operate',
  complete: axisFirst,
  run(args, { services, session }) {
    expectArgs(reset, args, 1);
    const id = axisArg(services, reset, args[0]!);
    const d = services.supervisor.axisDetail(id);
    // The same checks the operator makes, asked before the question so that a refusal is not confirmed first.
    const next = transition(d.snapshot.state, 'reset');
    if ('refused' in next) throw new IllegalAxisCommandError(id, d.snapshot.state, 'reset', next.refused);
    if (d.breaker.isolatedBy.length > 0) throw new BreakerIsolatedError(id, d.breaker.isolatedBy);
    const latched = d.latchedTrip ? `clears the latched ${d.latchedTrip.reason} (${d.latchedTrip.detail}), ` : '';
    return {
      kind: 'confirm',
      question: `reset ${id}: ${latched}clears the drive alarm, re-syncs and closes the breaker; the axis may then move again. Type yes to confirm:`,
      action: async () => {
        await services.supervisor.operator.reset(id, session.by);
        return [`${id}: reset, ${stateOf(services, id)}`];
      },
    };
  },
};

const isolate: CommandSpec = {
  name: 'isolate',
  usage: 'isolate <axis> [off]',
  summary: 'force the breaker open until you release it (isolate <axis> off)',
  details: [
    'The hold is yours (your operator name); it survives the session. After the last hold is released the axis still needs `reset`.',
  ],
  access: 'operate',
  complete: (index, _before, services) => (index === 0 ? axisIds(services) : index === 1 ? ['off'] : []),
  run(args, { services, session }) {
    expectArgs(isolate, args, 1, 2);
    const id = axisArg(services, isolate, args[0]!);
    const { isolations, supervisor } = services;
    if (args[1] === undefined) {
      if (isolations.has(id, session.by))
        throw new ConsoleUsageError(`isolate: ${id} is already isolated by you; 'isolate ${id} off' releases it`);
      isolations.add(id, session.by, supervisor.operator.isolate(id, session.by));
      return answer(
        `${id}: isolated by ${session.by}; breaker open, axis held, its jobs handed on. 'isolate ${id} off' releases your hold`,
      );
    }
    if (args[1] !== 'off') throw new ConsoleUsageError(`isolate: unexpected ${quote(args[1])}; usage: ${isolate.usage}`);
    if (!isolations.release(id, session.by)) {
      const holders = supervisor.axisDetail(id).breaker.isolatedBy;
      throw new ConsoleUsageError(`isolate: ${session.by} holds no isolation of ${id} (held by: ${holders.join(', ') || 'nobody'})`);
    }
    const others = supervisor.axisDetail(id).breaker.isolatedBy;
    return answer(
      `${id}: your isolation released; ${others.length > 0 ? `still isolated by ${others.join(', ')}` : `reset ${id} to resume`}`,
    );
  },
};

const jog: CommandSpec = {
  name: 'jog',
  usage: 'jog <axis> <deltaMm>',
  summary: `move an idle axis by deltaMm (signed) at ${JOG_SPEED_SHARE * 100}% of its max speed`,
  details: ['Refused outside the travel, with job work waiting on the axis, or with its breaker not closed.'],
  access: 'operate',
  complete: axisFirst,
  async run(args, { services, session }) {
    expectArgs(jog, args, 2);
    const id = axisArg(services, jog, args[0]!);
    const d = services.supervisor.axisDetail(id);
    const { minMm, maxMm, maxSpeedMmPerS } = d.limits;
    const span = maxMm - minMm;
    const deltaMm = numberArg(jog, args[1]!, `a distance in mm, non-zero, within +-${span}`);
    if (deltaMm === 0 || Math.abs(deltaMm) > span)
      throw new ConsoleUsageError(
        `jog: ${quote(args[1]!)} out of range; expected a non-zero distance within +-${span} mm (the travel of ${id})`,
      );
    const fromMm = d.lastSample?.positionMm;
    if (fromMm !== undefined && (fromMm + deltaMm < minMm || fromMm + deltaMm > maxMm)) {
      throw new ConsoleUsageError(`jog: ${id} is at ${fromMm.toFixed(2)} mm; ${deltaMm} mm would leave the travel [${minMm}, ${maxMm}] mm`);
    }
    await services.supervisor.operator.jog(id, deltaMm, session.by);
    return answer(`${id}: jogging ${deltaMm} mm at ${(maxSpeedMmPerS * JOG_SPEED_SHARE).toFixed(1)} mm/s`);
  },
};

const relearn: CommandSpec = {
  name: 'relearn',
  usage: 'relearn <axis>',
  summary: 'after a repair: forget its degradation baselines, end its derate/drain; asks yes',
  details: [
    'The axis is learned again from now (about two minutes of running). Moves nothing; jobs a drain handed on stay where they went.',
  ],
  access: 'operate',
  complete: axisFirst,
  run(args, { services, session }) {
    expectArgs(relearn, args, 1);
    const id = axisArg(services, relearn, args[0]!);
    const { degradation } = services.supervisor.axisDetail(id);
    const now = degradation.degraded ? `it is degraded (plan ${degradation.plan}); ` : '';
    return {
      kind: 'confirm',
      question: `relearn ${id}: ${now}forgets what its healthy signals look like and learns them again from now. Only after a repair. Type yes to confirm:`,
      action: async () => {
        services.supervisor.operator.relearn(id, session.by);
        return [`${id}: learning its baselines again`];
      },
    };
  },
};

export const AXIS_COMMANDS: readonly CommandSpec[] = [hold, release, enable, disable, reset, isolate, jog, relearn];
