import { describeEvent } from '../cli/describe-event.ts';
import { assertNever } from '../common/never.ts';
import type { SimFaultEvent } from '../compose/fault-schedule.ts';
import type { SimulatedFault } from '../config/index.ts';
import type { SupervisorEvent } from '../supervisor/events.ts';

/**
 * What the console itself reports, for the journal and the JSON output as much as for its own
 * `journal` command. `session` names a console session, e.g. `serial` or `socket#3`.
 */
export type ConsoleEvent =
  | {
      readonly type: 'console_transport';
      readonly atMs: number;
      readonly transport: 'socket' | 'serial';
      readonly path: string;
      readonly state: 'open' | 'lost' | 'closed';
      readonly detail?: string;
    }
  | {
      readonly type: 'console_login';
      readonly atMs: number;
      readonly session: string;
      readonly operator: string;
      readonly outcome: 'ok' | 'refused' | 'locked';
      readonly failures: number;
    }
  | {
      readonly type: 'console_logout';
      readonly atMs: number;
      readonly session: string;
      readonly operator: string;
      readonly reason: 'command' | 'idle' | 'closed';
    }
  | {
      readonly type: 'console_command';
      readonly atMs: number;
      readonly session: string;
      readonly by: string;
      readonly command: string;
      readonly outcome: 'ok' | 'refused';
      readonly detail?: string;
    };

/** Everything the console keeps in its event history: the supervisor's events, simulator faults, its own. */
export type LineEvent = SupervisorEvent | SimFaultEvent | ConsoleEvent;

/** Every `type` a LineEvent may have, for `journal --type` and its error message. */
export const LINE_EVENT_TYPES: readonly LineEvent['type'][] = [
  'start',
  'axis_state',
  'breaker',
  'trip',
  'hold',
  'resync',
  'transfer',
  'job_done',
  'job_parked',
  'job_resumed',
  'isolation',
  'line_restored',
  'line_state_fresh',
  'stop',
  'sim_fault',
  'console_transport',
  'console_login',
  'console_logout',
  'console_command',
];

/** A simulator fault in a few words: `jam`, `slow 200 ms`, `dropout p=0.3`, `alarm 42`. */
export function describeFault(fault: SimulatedFault): string {
  switch (fault.kind) {
    case 'silent':
    case 'jam':
      return fault.kind;
    case 'slow':
      return `slow ${fault.latencyMs} ms`;
    case 'dropout':
      return `dropout p=${fault.probability}`;
    case 'alarm':
      return `alarm ${fault.code}`;
    default:
      return assertNever(fault, 'fault');
  }
}

/** The axes an event is about (both ends of a transfer or resume); empty for line-wide and console events. */
export function eventAxes(e: LineEvent): readonly string[] {
  if (e.type === 'transfer') return [e.from, e.to];
  if (e.type === 'job_resumed') return [e.parkedOn, e.axis];
  return 'axis' in e ? [e.axis] : [];
}

/** One human-readable line for any event, prefixed with its time in seconds. */
export function describeLineEvent(e: LineEvent): string {
  const at = `${(e.atMs / 1000).toFixed(3)}s`;
  switch (e.type) {
    case 'sim_fault':
      return `${at} ${e.axis}: simulated fault ${describeFault(e.fault)} ${e.action === 'inject' ? 'injected' : 'cleared'}`;
    case 'console_transport':
      return `${at} console ${e.transport} ${e.path}: ${e.state}${e.detail ? ` (${e.detail})` : ''}`;
    case 'console_login':
      if (e.outcome === 'ok') return `${at} console ${e.session}: ${e.operator} logged in`;
      if (e.outcome === 'locked')
        return `${at} console ${e.session}: login as '${e.operator}' refused, locked after ${e.failures} wrong PINs`;
      return `${at} console ${e.session}: WRONG name or PIN for '${e.operator}' (${e.failures} in a row)`;
    case 'console_logout':
      return `${at} console ${e.session}: ${e.operator} logged out (${e.reason})`;
    case 'console_command':
      return `${at} console ${e.session}: ${e.by}: ${e.command} -> ${e.outcome}${e.detail ? `: ${e.detail}` : ''}`;
    default:
      return describeEvent(e);
  }
}
