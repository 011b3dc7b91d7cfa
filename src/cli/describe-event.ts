import { assertNever } from '../common/never.ts';
import type { SupervisorEvent } from '../supervisor/events.ts';

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
      return `${at} ${e.axis}: TRIP ${e.reason}: ${e.detail}`;
    case 'hold':
      return `${at} ${e.axis}: hold (${e.cause}) ${e.acknowledged ? 'confirmed by the drive' : `NOT confirmed: ${e.detail ?? ''}`}`;
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
    case 'stall':
      return `${at} STALL: the supervisor itself could not act for ${Math.round(e.lengthMs)} ms (GC, a blocked write, CPU starvation); not blamed on any drive`;
    case 'stop':
      return `${at} stop: ${e.reason}`;
    default:
      return assertNever(e, 'event');
  }
}
