import { assertNever } from '../../src/common/never.ts';
import type { DriveRequest } from '../simulated-drive.ts';
import { CONSOLE_HELP, describeFault, type ConsoleCommand } from './sim-console.ts';
import type { SimEvent } from './sim-events.ts';
import type { SimServer } from './sim-server.ts';

/** What `axisguard sim` prints: one line of text per event or status, or JSON with `json`. */

const mm = (value: number): string => value.toFixed(3);
const yesNo = (flag: boolean): string => (flag ? 'yes' : 'no');

function describeRequest(request: DriveRequest): string {
  return request.op === 'moveTo' ? `moveTo ${mm(request.targetMm)} mm at ${mm(request.speedMmPerS)} mm/s` : request.op;
}

export function describeSimEvent(event: SimEvent, json: boolean): string {
  if (json) return JSON.stringify(event);
  switch (event.type) {
    case 'command':
      return `unit ${event.unitId}: ${describeRequest(event.request)} ${event.outcome}`;
    case 'fault_injected':
      return `unit ${event.unitId}: injected ${describeFault(event.fault)}`;
    case 'fault_cleared':
      return `unit ${event.unitId}: cleared ${describeFault(event.fault)}`;
    case 'watchdog_hold':
      return `unit ${event.unitId}: comm-loss watchdog held the axis after ${event.silentForMs.toFixed(1)} ms without a request (timeout ${event.timeoutMs} ms)`;
    default:
      return assertNever(event, 'sim event');
  }
}

/** One unit's drive, faults and counters (request gaps against the watchdog, holds). */
export function describeSimStatus(server: SimServer, unitId: number, json: boolean): string {
  const status = server.status(unitId);
  const faults = server.faults(unitId);
  const stats = server.stats(unitId);
  if (json) return JSON.stringify({ type: 'status', unitId, status, faults, stats });
  const faultList = faults.length === 0 ? 'none' : faults.map((f) => describeFault(f.spec)).join(', ');
  return (
    `unit ${unitId}: position ${mm(status.positionMm)} mm, target ${mm(status.targetMm)} mm, velocity ${mm(status.velocityMmPerS)} mm/s, ` +
    `following error ${mm(status.followingErrorMm)} mm, enabled ${yesNo(status.enabled)}, moving ${yesNo(status.moving)}, ` +
    `holding ${yesNo(status.holding)}, alarm ${status.alarmCode}; faults: ${faultList}; ` +
    `requests ${stats.requests}, answered ${stats.answered}, dropped ${stats.dropped}, crc-corrupted ${stats.crcCorrupted}, ` +
    `garbage ${stats.garbageBursts}, exceptions ${stats.exceptions}, watchdog holds ${stats.watchdogHolds}, longest request gap ${stats.longestRequestGapMs.toFixed(1)} ms` +
    (stats.longestRequestGapMs > 0 ? ` (ended at t=${(stats.longestRequestGapEndedAtMs / 1000).toFixed(3)} s)` : '')
  );
}

/** Runs one console command on `server`: what it prints goes to `print`, a refusal to `fail`. */
export function runSimConsoleCommand(
  server: SimServer,
  command: ConsoleCommand,
  json: boolean,
  print: (line: string) => void,
  fail: (message: string) => void,
): void {
  const served = server.unitIds();
  if (command.kind !== 'help' && command.unitId !== undefined && !served.includes(command.unitId)) {
    return fail(`unit ${command.unitId} is not served (serving ${served.join(',')})`);
  }
  switch (command.kind) {
    case 'inject':
      try {
        server.inject(command.unitId, command.fault);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        fail(error.message);
      }
      return;
    case 'clear':
      if (server.clear(command.unitId, command.faultKind).length === 0) {
        fail(`unit ${command.unitId}: no ${command.faultKind === undefined ? 'fault' : `${command.faultKind} fault`} active`);
      }
      return;
    case 'status':
      for (const unitId of command.unitId === undefined ? served : [command.unitId]) print(describeSimStatus(server, unitId, json));
      return;
    case 'help':
      return print(json ? JSON.stringify({ type: 'help', text: CONSOLE_HELP }) : CONSOLE_HELP);
    default:
      return assertNever(command, 'console command');
  }
}
