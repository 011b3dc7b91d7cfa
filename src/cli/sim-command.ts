import { createInterface } from 'node:readline';
import { InvalidArgumentError, type Command } from 'commander';
import type { DriveProfile } from '../../protocols/drive-profile.ts';
import { isDriveProfileError, loadDriveProfile } from '../../protocols/profile-schema.ts';
import type { Parity } from '../../protocols/serial-link.ts';
import type { DriveModelParams } from '../../sim/drive-model.ts';
import { CONSOLE_HELP, describeFault, parseConsoleLine, type ConsoleCommand } from '../../sim/modbus/sim-console.ts';
import type { SimEvent } from '../../sim/modbus/sim-events.ts';
import type { SimEndpoint, SimServer } from '../../sim/modbus/sim-server.ts';
import type { DriveRequest } from '../../sim/simulated-drive.ts';
import { RealClock, type Clock } from '../common/clock.ts';
import { assertNever } from '../common/never.ts';
import { EXIT_BAD_CONFIG, EXIT_ERROR, EXIT_OK } from './exit-codes.ts';

export interface SimOptions {
  readonly serial: string | undefined;
  readonly baud: number;
  readonly parity: Parity;
  readonly tcp: number | undefined;
  readonly host: string;
  readonly units: readonly number[];
  /** A built-in profile name or a profile file. */
  readonly profile: string;
  readonly seed: number;
  readonly wireTime: boolean;
  readonly json: boolean;
}

export interface SimIo {
  readonly input: NodeJS.ReadableStream;
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

/** Every simulated axis: a 300 mm/s, 1500 mm/s² axis with a 15 ms servo lag, at 0 mm at power-up. */
const SIM_AXIS: DriveModelParams = { maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500, trackingTimeConstantMs: 15 };

const integer =
  (what: string, min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`expected ${what} (an integer ${min}..${max})`);
    return n;
  };

const parseUnits = (value: string): number[] => {
  const units = value.split(',').map((u) => integer('unit ids such as 1,2,3', 1, 247)(u));
  if (new Set(units).size !== units.length) throw new InvalidArgumentError('expected distinct unit ids');
  return units;
};

const parseParity = (value: string): Parity => {
  if (value !== 'none' && value !== 'even' && value !== 'odd') throw new InvalidArgumentError('expected none, even or odd');
  return value;
};

/** Adds `axisguard sim` to the program. */
export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('serve simulated drives as Modbus slaves (RTU on a serial port and/or TCP); fault injection on stdin (type help)')
    .option('--serial <path>', 'serial port to answer on, e.g. one end of a socat pty pair')
    .option('--baud <n>', 'baud rate of the serial port', integer('a baud rate', 300, 4_000_000), 115200)
    .option('--parity <parity>', 'none, even or odd', parseParity, 'even')
    .option('--tcp <port>', 'TCP port to answer on', integer('a TCP port', 1, 65535))
    .option('--host <host>', 'TCP address to listen on', '127.0.0.1')
    .option('--units <ids>', 'comma-separated unit ids, one drive each', parseUnits, [1])
    .option('--profile <name|file>', 'drive profile (register map): built-in name or file', 'kpower-generic')
    .option('--seed <n>', 'seed of every random fault draw', integer('a seed', 0, 0xffffffff), 1)
    .option('--no-wire-time', 'answer at once instead of after the RTU wire time at the baud rate')
    .option('--json', 'print one JSON event per line', false)
    .action(async (opts: Omit<SimOptions, 'units'> & { units: number[] }) => {
      process.exitCode = await runSim(opts, { input: process.stdin, out: process.stdout, err: process.stderr });
    });
}

/**
 * `axisguard sim`: serves `units` (one SimulatedDrive each, same profile) on the endpoints asked for,
 * prints one ready line (or JSON event) per endpoint, runs console commands from `io.input`, and
 * closes everything on SIGINT / SIGTERM. Exit codes: 0 after a signal, 1 when an endpoint cannot be
 * opened, 2 for a usage or profile error.
 */
export async function runSim(options: SimOptions, io: SimIo, clock: Clock = new RealClock()): Promise<number> {
  // Listen from the start: a signal during start-up then ends the sim as soon as it is up.
  let onSignal = (): void => undefined;
  const stopped = new Promise<void>((resolve) => (onSignal = resolve));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await serve(options, io, clock, stopped);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function serve(options: SimOptions, io: SimIo, clock: Clock, stopped: Promise<void>): Promise<number> {
  if (options.serial === undefined && options.tcp === undefined) {
    io.err.write('axisguard sim: nothing to serve on; give --serial PATH and/or --tcp PORT\n');
    return EXIT_BAD_CONFIG;
  }
  let profile: DriveProfile;
  try {
    profile = await loadDriveProfile(options.profile);
  } catch (error) {
    if (!isDriveProfileError(error)) throw error;
    io.err.write(`${error.format()}\n`);
    return EXIT_BAD_CONFIG;
  }
  // The simulator's server and drives load only when this command runs, not at every start.
  const [{ SimServer }, { SimulatedDrive }] = await Promise.all([
    import('../../sim/modbus/sim-server.ts'),
    import('../../sim/simulated-drive.ts'),
  ]);
  const units = options.units.map((unitId) => ({
    unitId,
    profile,
    drive: new SimulatedDrive({ clock, name: `unit ${unitId}`, seed: options.seed + unitId, baseLatencyMs: 0, model: SIM_AXIS }),
  }));
  const server = new SimServer({ clock, units, seed: options.seed });
  const print = (line: string) => io.out.write(`${line}\n`);
  server.onEvent((event) => print(options.json ? JSON.stringify(event) : describeEvent(event)));

  const served = `units ${options.units.join(',')} (${profile.name})`;
  try {
    if (options.serial !== undefined) {
      const endpoint = await server.attachSerial({
        path: options.serial,
        baudRate: options.baud,
        parity: options.parity,
        wireTime: options.wireTime,
      });
      print(options.json ? readyEvent(endpoint, options, profile) : `sim: serving ${served} on ${options.serial} at ${options.baud} baud`);
    }
    if (options.tcp !== undefined) {
      const endpoint = await server.attachTcp({ host: options.host, port: options.tcp });
      print(options.json ? readyEvent(endpoint, options, profile) : `sim: serving ${served} on tcp ${options.host}:${options.tcp}`);
    }
  } catch (error) {
    io.err.write(`axisguard sim: ${(error as Error).message}\n`);
    await server.close();
    return EXIT_ERROR;
  }

  const lines = createInterface({ input: io.input, terminal: false });
  lines.on('line', (line) => {
    const command = parseConsoleLine(line);
    if (command === undefined) return;
    if (command.kind === 'error') io.err.write(`sim: ${command.message}\n`);
    else runConsoleCommand(server, command, options.json, print, (message) => io.err.write(`sim: ${message}\n`));
  });
  await stopped;
  lines.close();
  // What each drive saw, for whoever ran the simulator (request gaps against the watchdog, holds).
  for (const unitId of server.unitIds()) print(describeStatus(server, unitId, options.json));
  await server.close();
  return EXIT_OK;
}

function runConsoleCommand(
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
      for (const unitId of command.unitId === undefined ? served : [command.unitId]) print(describeStatus(server, unitId, json));
      return;
    case 'help':
      return print(json ? JSON.stringify({ type: 'help', text: CONSOLE_HELP }) : CONSOLE_HELP);
    default:
      return assertNever(command, 'console command');
  }
}

function readyEvent(endpoint: SimEndpoint, options: SimOptions, profile: DriveProfile): string {
  return JSON.stringify({ type: 'ready', endpoint, units: options.units, profile: profile.name });
}

const mm = (value: number): string => value.toFixed(3);
const yesNo = (flag: boolean): string => (flag ? 'yes' : 'no');

function describeRequest(request: DriveRequest): string {
  return request.op === 'moveTo' ? `moveTo ${mm(request.targetMm)} mm at ${mm(request.speedMmPerS)} mm/s` : request.op;
}

function describeEvent(event: SimEvent): string {
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

function describeStatus(server: SimServer, unitId: number, json: boolean): string {
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
    `garbage ${stats.garbageBursts}, exceptions ${stats.exceptions}, watchdog holds ${stats.watchdogHolds}, longest request gap ${stats.longestRequestGapMs.toFixed(1)} ms`
  );
}
