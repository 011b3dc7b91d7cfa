import { assertNever } from '../common/never.ts';
import type { RestoreReport } from '../line/restore-plan.ts';
import { formatSignalValue, signalLabel } from '../degradation/signals.ts';
import type { SupervisorEvent } from './events.ts';
import { stallKind } from '../realtime/stall-monitor.ts';

/** One human-readable line for an event, prefixed with its time in seconds. */
export function describeEvent(e: SupervisorEvent): string {
  const at = `${(e.atMs / 1000).toFixed(3)}s`;
  switch (e.type) {
    case 'start':
      return `${at} start: ${e.axes.length} axes, ${e.jobs} jobs`;
    case 'axis_state':
      return `${at} ${e.axis}: ${e.from} -> ${e.to} (${e.reason})`;
    case 'breaker':
      return `${at} ${e.axis}: breaker ${e.from} -> ${e.to} (${e.reason}${e.detail ? `: ${e.detail}` : ''})`;
    case 'trip':
      return `${at} ${e.axis}: TRIP ${e.reason}${e.latched ? ' (latched: reset needed)' : ''}: ${e.detail}`;
    case 'isolation':
      return `${at} ${e.axis}: isolation ${e.held ? 'taken' : 'released'} by ${e.by}`;
    case 'hold':
      return `${at} ${e.axis}: hold (${e.cause}) ${e.acknowledged ? 'confirmed by the drive' : `NOT confirmed: ${e.detail ?? ''}`}${torqueOffText(e.torqueOff, e.detail)}`;
    case 'resync':
      return `${at} ${e.axis}: re-synced at ${e.positionMm.toFixed(3)} mm`;
    case 'transfer':
      return `${at} job ${e.job}: moved from ${e.from} to fallback ${e.to}, from move ${e.fromMove}`;
    case 'job_done':
      return `${at} job ${e.job}: done on ${e.axis}`;
    case 'job_parked':
      return `${at} job ${e.job}: PARKED on ${e.axis}: ${e.reason}`;
    case 'job_resumed':
      return `${at} job ${e.job}: resumed on ${e.axis}${e.parkedOn === e.axis ? '' : ` (parked on ${e.parkedOn})`} from move ${e.fromMove} by ${e.by}`;
    case 'job_queued':
      return `${at} job ${e.job}: queued on ${e.axis} (${e.moves} move${e.moves === 1 ? '' : 's'}) by ${e.by}`;
    case 'stall':
      return `${at} STALL: the supervisor itself could not act for ${Math.round(e.lengthMs)} ms (${stallKind(e) ?? 'GC, a blocked write, CPU starvation'}); not blamed on any drive`;
    case 'line_restored':
      return `${at} restored from the last run: ${describeRestore(e)}`;
    case 'line_state_fresh':
      return `${at} new line state started by ${e.by}: the next start takes over nothing from before this`;
    case 'baseline_learned':
      return `${at} ${e.axis}: ${signalLabel(e.signal)} baseline learned: ${formatSignalValue(e.signal, e.mean)} (sd ${formatSignalValue(e.signal, e.sd)})`;
    case 'degraded':
      return `${at} ${e.axis}: DEGRADED ${signalLabel(e.signal)} ${formatSignalValue(e.signal, e.current)} against a baseline of ${formatSignalValue(e.signal, e.baseline)}; plan: ${e.plan}`;
    case 'recovered':
      return `${at} ${e.axis}: recovered ${signalLabel(e.signal)} ${formatSignalValue(e.signal, e.current)} (baseline ${formatSignalValue(e.signal, e.baseline)})${e.degraded.length > 0 ? `; still degraded: ${e.degraded.map(signalLabel).join(', ')}` : ''}`;
    case 'downgrade':
      return `${at} ${e.axis}: downgrade ${e.action}: ${e.detail}`;
    case 'relearn':
      return `${at} ${e.axis}: baselines and degraded marks cleared by ${e.by}; learning again`;
    case 'stop':
      return `${at} stop: ${e.reason}`;
    default:
      return assertNever(e, 'event');
  }
}

/** What a restore took over, in one line: the latches and interrupted jobs first, they need a person. */
function describeRestore(r: RestoreReport): string {
  const parts = [
    ...r.latched.map((l) => `${l.axis} LATCHED (${l.reason}): reset it`),
    ...r.isolated.map((i) => `${i.axis} isolated by ${i.by}`),
    ...r.disabled.map((axis) => `${axis} disabled`),
    ...r.jobsInterrupted.map((j) => `job ${j.job} INTERRUPTED at move ${j.move}: parked, resume it`),
    r.jobsParked.length > 0 ? `${r.jobsParked.length} still parked (${r.jobsParked.map((j) => j.job).join(', ')})` : '',
    r.jobsDone.length > 0 ? `${r.jobsDone.length} done` : '',
    ...r.changed,
    r.dropped.length > 0 ? `no longer configured: ${r.dropped.join(', ')}` : '',
  ];
  return parts.filter((p) => p !== '').join('; ');
}

/** What a hold event says of a torque-off after it (onLatchedTrip: torque_off), or nothing. */
function torqueOffText(torqueOff: boolean | undefined, detail: string | undefined): string {
  if (torqueOff === undefined) return '';
  return torqueOff ? ', then torque off' : `, but ${detail ?? 'torque off failed'}`;
}
