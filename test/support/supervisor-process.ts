import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { kpowerWithWatchdog } from './watchdog-profile.ts';

export const BIN = join(import.meta.dirname, '../../bin/axisguard.js');

export interface JsonEvent {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** `axisguard run <config> --json [extra]` as a child process, its JSON events parsed as they come. */
export interface SupervisorProcess {
  readonly child: ChildProcess;
  readonly events: JsonEvent[];
  /** Exit code, or the signal name when killed by one. */
  readonly exit: Promise<number | string | null>;
  stderr(): string;
}

export function runSupervisor(
  configPath: string,
  extra: readonly string[],
  onEvent: (event: JsonEvent, run: SupervisorProcess) => void = () => {},
): SupervisorProcess {
  const child = spawn(process.execPath, [BIN, 'run', configPath, '--json', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: JsonEvent[] = [];
  let partial = '';
  let stderr = '';
  const run: SupervisorProcess = {
    child,
    events,
    exit: new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? signal))),
    stderr: () => stderr,
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const event = JSON.parse(line) as JsonEvent;
      events.push(event);
      onEvent(event, run);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return run;
}

/**
 * How a test line's drives are timed. `shipped`: kpower-generic as shipped (a 100 ms comm-loss
 * watchdog) at 6 ms slack, the most its keep-alive check allows four drives at a 10 ms period: the
 * hold-time suite's line (test/realtime), which judges exactly that margin. `shared-machine`: the
 * same register map with a 200 ms watchdog, so that each answer may come 15 ms after its wire time.
 * On a busy two-core machine the stand-ins themselves answer late: over socat -v beside three busy
 * loops (sim and socat at nice -10) the sim's answers came up to 12 ms after the request, 3.2 ms
 * typical, and three late answers in a row trip a healthy drive that a 6 ms slack cannot tell from
 * a silent one. The fault-containment tests judge which axes trip, not hold time, so they take this.
 */
export type LineTiming = 'shipped' | 'shared-machine';

/** Per timing: the drives' watchdog (undefined: the shipped profile's own, 100 ms) and the bus's slack. */
export const LINE_TIMING: Readonly<Record<LineTiming, { readonly watchdogMs: number | undefined; readonly slackMs: number }>> = {
  shipped: { watchdogMs: undefined, slackMs: 6 },
  'shared-machine': { watchdogMs: 200, slackMs: 15 },
};

/**
 * Four Kpower-style drives on one RS-485 bus (`port`), each with a three-move job; `ax2Extra` is YAML
 * inside ax2's flow mapping.
 */
export function modbusLineConfig(port: string, ax2Extra = '', timing: LineTiming = 'shared-machine'): string {
  const job = (n: number) =>
    `  - { id: job${n}, axis: ax${n}, moves: [{ positionMm: ${50 * n}, speedMmPerS: 200 }, { positionMm: 10, speedMmPerS: 200 }, { positionMm: ${60 * n}, speedMmPerS: 200 }] }`;
  return rs485LineConfig({
    port,
    line: 'modbus-test-line',
    timing,
    top: ['cycle: { periodMs: 10 }'],
    axes: [1, 2, 3, 4].map((unit) => ({ unit, extra: unit === 2 ? ax2Extra : '' })),
    jobs: [1, 2, 3, 4].map(job),
  });
}

/**
 * A line of Kpower-style drives on one RS-485 bus (`port`, 115200 baud) with a 60 ms deadline and no
 * retries, timed as `timing` says (default `shared-machine`; its profile file is written beside the
 * port); `top`: sections before `defaults:` (cycle, degradation). Axis ax<unit> drives unit <unit>,
 * 0 to 500 mm at up to 300 mm/s; `extra` is YAML inside its flow mapping. `jobs`: YAML list items.
 */
export function rs485LineConfig(parts: {
  readonly port: string;
  readonly line: string;
  readonly timing?: LineTiming;
  readonly top: readonly string[];
  readonly axes: readonly { readonly unit: number; readonly extra?: string }[];
  readonly jobs: readonly string[];
}): string {
  const { watchdogMs, slackMs } = LINE_TIMING[parts.timing ?? 'shared-machine'];
  const profile = watchdogMs === undefined ? '' : `, profile: ${kpowerWithWatchdog(dirname(parts.port), watchdogMs)}`;
  const axis = ({ unit, extra = '' }: { readonly unit: number; readonly extra?: string }) =>
    `  - { id: ax${unit}, driver: { type: modbus, bus: rs485, unitId: ${unit}${profile} }, limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500 }${extra} }`;
  return [
    `line: ${parts.line}`,
    ...parts.top,
    'defaults:',
    '  timeoutMs: 60',
    // Several drives at this slack leave the bus no room for retried exchanges inside their watchdog (the config check says so).
    '  retries: 0',
    '  followingError: { minWindowMm: 1, maxWindowMm: 10, timeMs: 40 }',
    'buses:',
    `  - { id: rs485, type: rtu, path: ${parts.port}, baudRate: 115200, slackMs: ${slackMs} }`,
    'axes:',
    ...parts.axes.map(axis),
    'jobs:',
    ...parts.jobs,
  ].join('\n');
}

/** The last `n` events of a run and its stderr: what a failing real-time test prints to show where the run was. */
export const storyOf = (run: SupervisorProcess, n = 15): string =>
  `${run.events
    .slice(-n)
    .map((e) => JSON.stringify(e))
    .join('\n')}\n${run.stderr()}`;
