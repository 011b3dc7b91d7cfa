import type { Level, Logger } from 'pino';
import { assertNever } from '../common/never.ts';
import { describeLineEvent } from '../console/line-events.ts';
import type { RunEvent } from '../events/events.ts';

/** Everything `axisguard run` reports and logs. */
export type LoggedEvent = RunEvent;

/**
 * How loud an event is. fatal: an internal error (every axis is held, the process ends); error: the
 * shutdown overran its bound; warn: what a person should look at (trip, unconfirmed hold, parked job, bus
 * lost, refused login, console transport lost); info: the story of the run (jobs, holds, re-syncs,
 * transfers, logins, operator commands); debug: every axis-state and breaker change.
 */
export function eventLevel(e: LoggedEvent): Level {
  switch (e.type) {
    case 'fatal':
      return 'fatal';
    case 'shutdown_timeout':
      return 'error';
    case 'trip':
    case 'job_parked':
    case 'line_restored':
    case 'stall':
    case 'degraded':
      return 'warn';
    case 'hold':
      return e.acknowledged ? 'info' : 'warn';
    case 'axis_state':
    case 'breaker':
      return 'debug';
    case 'start':
    case 'stop':
    case 'resync':
    case 'transfer':
    case 'job_done':
    case 'job_resumed':
    case 'job_queued':
    case 'isolation':
    case 'line_state_fresh':
    case 'recovered':
    case 'downgrade':
    case 'relearn':
    case 'sim_fault':
    case 'console_logout':
    case 'console_command':
    case 'config_load':
    case 'metrics_listening':
    case 'run_start':
    case 'run_end':
      return 'info';
    case 'run_summary':
    case 'baseline_learned':
      return 'debug';
    case 'console_login':
      return e.outcome === 'ok' ? 'info' : 'warn';
    case 'console_transport':
      return e.state === 'lost' ? 'warn' : 'info';
    case 'bus':
      return e.state === 'open' ? 'info' : 'warn';
    case 'mqtt':
      return e.state === 'disconnected' || e.state === 'host_offline' ? 'warn' : 'info';
    case 'host_command':
      return e.outcome === 'ok' ? 'info' : 'warn';
    default:
      return assertNever(e, 'event');
  }
}

/** Logs one event at its level: `event` is its type, the rest its own fields; `msg` reads like the console's journal. */
export function logEvent(logger: Logger, e: LoggedEvent): void {
  const level = eventLevel(e);
  if (!logger.isLevelEnabled(level)) return;
  const { type, ...fields } = e;
  logger[level]({ event: type, ...fields }, describe(e));
}

function describe(e: LoggedEvent): string {
  const at = `${(e.atMs / 1000).toFixed(3)}s`;
  switch (e.type) {
    case 'bus':
      return `${at} bus ${e.bus}: ${e.state}${e.detail ? ` (${e.detail})` : ''}${e.retryInMs ? `, next attempt in ${e.retryInMs} ms` : ''}`;
    case 'metrics_listening':
      return `${at} metrics on ${e.url}`;
    case 'mqtt':
      return `${at} mqtt ${e.server}: ${e.state.replace('_', ' ')} (bdSeq ${e.bdSeq})${e.detail ? `: ${e.detail}` : ''}`;
    case 'host_command':
      return `${at} host command ${e.command}${e.axis ? ` ${e.axis}` : ''} (${e.by}): ${e.outcome}, ${e.detail}`;
    case 'config_load':
      return `${at} config loaded`;
    case 'run_start':
    case 'run_summary':
    case 'run_end':
      return `${at} ${e.type.replace('_', ' ')}`;
    case 'fatal':
      return `${at} internal error (${e.source}): ${e.error}; holding every axis, then exiting`;
    case 'shutdown_timeout':
      return `${at} shutdown did not finish within ${e.boundMs} ms; exiting anyway (every hold was issued first; the hold events say which were confirmed)`;
    default:
      return describeLineEvent(e);
  }
}
