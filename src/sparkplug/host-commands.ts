import type { MqttCommand } from '../config/mqtt-config.ts';
import type { Operator } from '../supervisor/operator.ts';
import type { QueuedJobCheck } from '../config/queued-job.ts';
import { DEVICE_COMMANDS, QUEUE_JOB, REBIRTH, RESUME_JOB } from './line-metrics.ts';
import type { ReceivedMetric } from './payload.ts';

/**
 * Commands a Sparkplug host sends (NCMD to the node, DCMD to an axis), read strictly: a metric this
 * node does not take, a value of the wrong kind, an axis it does not have or a command the config
 * does not allow is refused with the reason, and nothing moves. `hold` (it only stops) and a rebirth
 * (it only publishes) are always accepted; `release`, `reset` and `resume` only when listed in
 * `mqtt.commands`, since a broker is a network entry point.
 */

export type HostCommand =
  | { readonly kind: 'rebirth' }
  | { readonly kind: 'hold' | 'release' | 'reset'; readonly axis: string }
  | { readonly kind: 'resume'; readonly job: string }
  | { readonly kind: 'queue'; readonly text: string };

/** One metric of a command message, read: a command, or why it is refused. */
export type ReadCommand = { readonly ok: true; readonly command: HostCommand } | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): ReadCommand => ({ ok: false, reason });

const AXIS_COMMANDS = Object.entries(DEVICE_COMMANDS) as [keyof typeof DEVICE_COMMANDS, string][];

/** The commands of an NCMD's metrics. */
export function readNodeCommands(metrics: readonly ReceivedMetric[]): ReadCommand[] {
  return metrics.map((m) => {
    if (m.name === REBIRTH) return m.value === true ? { ok: true, command: { kind: 'rebirth' } } : refuse(`${REBIRTH} must be true`);
    if (m.name === RESUME_JOB)
      return typeof m.value === 'string' && m.value.length > 0
        ? { ok: true, command: { kind: 'resume', job: m.value } }
        : refuse(`${RESUME_JOB} must be a job id (String)`);
    if (m.name === QUEUE_JOB)
      return typeof m.value === 'string'
        ? { ok: true, command: { kind: 'queue', text: m.value } }
        : refuse(`${QUEUE_JOB} must be the job as JSON (String)`);
    return refuse(`unknown node metric '${m.name ?? '(no name)'}'; the node takes ${REBIRTH}, ${RESUME_JOB} and ${QUEUE_JOB}`);
  });
}

/** The commands of a DCMD's metrics for `axis` (one of `axes`). */
export function readDeviceCommands(axis: string, axes: ReadonlySet<string>, metrics: readonly ReceivedMetric[]): ReadCommand[] {
  if (!axes.has(axis)) return [refuse(`unknown device '${axis}'; the devices are the axes: ${[...axes].join(', ')}`)];
  return metrics.map((m) => {
    const found = AXIS_COMMANDS.find(([, name]) => name === m.name);
    if (!found)
      return refuse(`unknown device metric '${m.name ?? '(no name)'}'; an axis takes ${Object.values(DEVICE_COMMANDS).join(', ')}`);
    if (m.value !== true) return refuse(`${found[1]} is sent as Boolean true`);
    return { ok: true, command: { kind: found[0], axis } };
  });
}

/** Whether the config lets the host send `command`: why not, or undefined when it does. */
export function whyNotAllowed(command: HostCommand, allowed: readonly MqttCommand[]): string | undefined {
  if (command.kind === 'rebirth' || command.kind === 'hold') return undefined;
  return allowed.includes(command.kind)
    ? undefined
    : `'${command.kind}' from the host is not allowed; list it in mqtt.commands to accept it (allowed now: hold${allowed.map((c) => `, ${c}`).join('')})`;
}

/** Where host commands go: the operator's actions, and the check a queued job passes first. */
export interface CommandTarget {
  readonly operator: Pick<Operator, 'hold' | 'release' | 'reset' | 'resume' | 'queue'>;
  /** The job text checked as a config job is (config/queued-job.ts), against the line's axes and jobs. */
  checkJob(text: string): QueuedJobCheck;
}

/** What a command did, in words for the journal and the host's Last Result metric; throws what refused it. */
export async function runHostCommand(
  command: Exclude<HostCommand, { kind: 'rebirth' }>,
  target: CommandTarget,
  by: string,
): Promise<string> {
  const { operator } = target;
  switch (command.kind) {
    case 'hold':
      await operator.hold(command.axis, by);
      return `${command.axis}: held`;
    case 'release':
      await operator.release(command.axis, by);
      return `${command.axis}: released`;
    case 'reset':
      await operator.reset(command.axis, by);
      return `${command.axis}: reset`;
    case 'resume': {
      const resumed = operator.resume(command.job, undefined, by);
      return `${command.job}: queued on ${resumed.job.axis}${resumed.waitsFor ? `; waits: ${resumed.waitsFor}` : ''}`;
    }
    case 'queue': {
      const checked = target.checkJob(command.text);
      if (!checked.ok) throw new Error(`job refused: ${checked.problems.join('; ')}`);
      const queued = operator.queue(checked.job, by);
      return `${queued.job.id}: queued on ${queued.job.axis}${queued.waitsFor ? `; waits: ${queued.waitsFor}` : ''}`;
    }
  }
}
