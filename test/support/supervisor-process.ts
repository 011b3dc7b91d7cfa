import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

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

/** Four Kpower-style drives on one RS-485 bus (`port`), each with a three-move job; `ax2Extra` is YAML inside ax2's flow mapping. */
export function modbusLineConfig(port: string, ax2Extra = ''): string {
  const axis = (n: number) =>
    `  - { id: ax${n}, driver: { type: modbus, bus: rs485, unitId: ${n} }, limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500 }${n === 2 ? ax2Extra : ''} }`;
  const job = (n: number) =>
    `  - { id: job${n}, axis: ax${n}, moves: [{ positionMm: ${50 * n}, speedMmPerS: 200 }, { positionMm: 10, speedMmPerS: 200 }, { positionMm: ${60 * n}, speedMmPerS: 200 }] }`;
  return rs485LineConfig({
    port,
    line: 'modbus-test-line',
    top: ['cycle: { periodMs: 10 }'],
    axes: [1, 2, 3, 4].map(axis),
    jobs: [1, 2, 3, 4].map(job),
  });
}

/**
 * A line of Kpower-style drives on one RS-485 bus (`port`, 115200 baud, 6 ms slack) with a 60 ms
 * deadline and no retries; `top`: sections before `defaults:` (cycle, degradation), `axes` and
 * `jobs`: their YAML list items.
 */
export function rs485LineConfig(parts: {
  readonly port: string;
  readonly line: string;
  readonly top: readonly string[];
  readonly axes: readonly string[];
  readonly jobs: readonly string[];
}): string {
  return [
    `line: ${parts.line}`,
    ...parts.top,
    'defaults:',
    '  timeoutMs: 60',
    // Several drives at 6 ms slack leave the bus no room for retried exchanges inside their watchdog (the config check says so).
    '  retries: 0',
    '  followingError: { minWindowMm: 1, maxWindowMm: 10, timeMs: 40 }',
    'buses:',
    `  - { id: rs485, type: rtu, path: ${parts.port}, baudRate: 115200, slackMs: 6 }`,
    'axes:',
    ...parts.axes,
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
