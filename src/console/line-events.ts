import { describeEvent } from '../events/describe-event.ts';
import { assertNever } from '../common/never.ts';
import type { SimulatedFault } from '../config/index.ts';
import type { LineEvent } from '../events/events.ts';

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
    case 'wear':
      return `wear +${fault.lagGrowthPerMin * 100}% lag/min`;
    case 'slowing_drive':
      return `slowing drive +${fault.latencyMsPerMin} ms/min`;
    case 'degrading_link':
      return `degrading link +${fault.probabilityPerMin} corrupt/min`;
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
