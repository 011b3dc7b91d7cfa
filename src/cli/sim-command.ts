import { createInterface } from 'node:readline';
import { InvalidArgumentError, type Command } from 'commander';
import { RealClock, type Clock } from '../common/clock.ts';
import { isLineLoadRefusal } from '../compose/load-line.ts';
import {
  buildSimDrives,
  describeSimEvent,
  describeSimStatus,
  parseSimConsoleLine,
  runSimConsoleCommand,
  type Parity,
  type SimDrives,
  type SimDrivesOptions,
} from '../compose/sim-drives.ts';
import { claimCyclePriority, describeCyclePriority } from '../realtime/cycle-priority.ts';
import { EXIT_BAD_CONFIG, EXIT_ERROR, EXIT_OK } from './exit-codes.ts';

export interface SimOptions extends SimDrivesOptions {
  readonly json: boolean;
}

export interface SimIo {
  readonly input: NodeJS.ReadableStream;
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

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

const parseBusServo = (value: string): 'lx' | 'sts' => {
  if (value !== 'lx' && value !== 'sts') throw new InvalidArgumentError('expected lx (LewanSoul / Hiwonder) or sts (Feetech)');
  return value;
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
    .option('--bus-servo <protocol>', 'answer on --serial as bus servos of this protocol (lx or sts) instead of Modbus RTU', parseBusServo)
    .option('--ids <ids>', 'with --bus-servo: the servo ids, one servo each (same as --units)', parseUnits)
    .option('--echo', 'with --bus-servo: echo every received byte, as a one-wire adapter does', false)
    .option('--profile <name|file>', 'drive profile (register map): built-in name or file', 'kpower-generic')
    .option('--seed <n>', 'seed of every random fault draw', integer('a seed', 0, 0xffffffff), 1)
    .option('--no-wire-time', 'answer at once instead of after the RTU wire time at the baud rate')
    .option('--json', 'print one JSON event per line', false)
    .action(async (opts: Omit<SimOptions, 'units'> & { units: number[]; ids?: number[] }) => {
      const { ids, ...rest } = opts;
      // It stands in for drive firmware, which is never late: its answers go ahead of ordinary
      // processes as the supervisor's requests do, so a busy test machine delays neither.
      const priority = claimCyclePriority();
      if (priority.kind === 'refused') process.stderr.write(`axisguard sim: ${describeCyclePriority(priority)}\n`);
      process.exitCode = await runSim(
        { ...rest, units: ids ?? opts.units },
        { input: process.stdin, out: process.stdout, err: process.stderr },
      );
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
  const print = (line: string) => io.out.write(`${line}\n`);
  let sim: SimDrives;
  try {
    sim = await buildSimDrives(options, clock, (event) => print(describeSimEvent(event, options.json)));
  } catch (error) {
    if (!isLineLoadRefusal(error)) throw error;
    io.err.write(`${error.format()}\n`);
    return EXIT_BAD_CONFIG;
  }
  const { server, profile } = sim;
  const served = `units ${options.units.join(',')} (${profile.name})`;
  try {
    await sim.attach((endpoint) => {
      if (options.json) print(JSON.stringify({ type: 'ready', endpoint, units: options.units, profile: profile.name }));
      else if (endpoint.kind === 'serial') print(`sim: serving ${served} on ${endpoint.path} at ${endpoint.baudRate} baud`);
      else if (endpoint.kind === 'bus-servo')
        print(
          `sim: serving ${endpoint.protocol} bus servos ${options.units.join(',')} on ${endpoint.path} at ${endpoint.baudRate} baud${endpoint.echo ? ', echoing' : ''}`,
        );
      else print(`sim: serving ${served} on tcp ${options.host}:${endpoint.port}`);
    });
  } catch (error) {
    io.err.write(`axisguard sim: ${(error as Error).message}\n`);
    await server.close();
    return EXIT_ERROR;
  }

  const lines = createInterface({ input: io.input, terminal: false });
  lines.on('line', (line) => {
    const command = parseSimConsoleLine(line);
    if (command === undefined) return;
    if (command.kind === 'error') io.err.write(`sim: ${command.message}\n`);
    else runSimConsoleCommand(server, command, options.json, print, (message) => io.err.write(`sim: ${message}\n`));
  });
  await stopped;
  lines.close();
  // What each drive saw, for whoever ran the simulator (request gaps against the watchdog, holds).
  for (const unitId of server.unitIds()) print(describeSimStatus(server, unitId, options.json));
  await server.close();
  return EXIT_OK;
}
