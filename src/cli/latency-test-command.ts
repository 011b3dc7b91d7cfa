import { inlineWhereCpuAllows } from '../realtime/jit-inlining.ts';
import { InvalidArgumentError, type Command } from 'commander';
import { RealClock, type Clock } from '../common/clock.ts';
import type { Bus } from '../compose/buses.ts';
import { isLineLoadRefusal, loadLine, type LoadedLine } from '../compose/load-line.ts';
import type { RoundTripTarget } from '../realtime/latency-round-trips.ts';
import type { ConfiguredDrive } from '../realtime/latency-verdict.ts';
import { EXIT_BAD_CONFIG, EXIT_OK } from './exit-codes.ts';

/** Exit code when the config's period or a drive's watchdog cannot be held on this machine (or a drive did not answer). */
export const EXIT_NOT_HELD = 3;

const DEFAULT_SECONDS = 10;
const MAX_SECONDS = 86_400;
/** Without a config: the config's own default cycle.periodMs. */
const DEFAULT_PERIOD_MS = 10;

export interface LatencyTestOptions {
  readonly configPath: string | undefined;
  readonly seconds: number;
  /** Only without a config; a config's cycle.periodMs is what it runs at. */
  readonly periodMs: number | undefined;
  readonly json: boolean;
}

export interface LatencyTestIo {
  readonly out: NodeJS.WritableStream;
  /** Progress goes here once a second when it is a terminal. */
  readonly err: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** Ends the measurement early (SIGINT/SIGTERM); the figures so far are reported. */
  readonly signal?: AbortSignal;
}

/** The config's Modbus drives as read-only probe targets, on buses built by the composition root. */
interface ConfigProbe {
  readonly targets: readonly RoundTripTarget[];
  readonly drives: readonly ConfiguredDrive[];
  readonly buses: readonly Bus[];
}

async function configProbe({ config, profiles }: LoadedLine, clock: Clock): Promise<ConfigProbe> {
  // The transports (and serialport's native binding) load only for a test against a config.
  const [{ openBus, isModbusBusConfig }, { modbusDriver }] = await Promise.all([
    import('../compose/buses.ts'),
    import('../compose/modbus-axes.ts'),
  ]);
  const buses = new Map<string, Bus>();
  const targets: RoundTripTarget[] = [];
  const drives: ConfiguredDrive[] = [];
  for (const axis of config.axes) {
    const driver = axis.driver;
    if (driver.type !== 'modbus') continue;
    // loadLine has checked that the bus and the profile exist.
    const busConfig = config.buses.filter(isModbusBusConfig).find((b) => b.id === driver.bus)!;
    const profile = profiles.get(driver.profile)!;
    let bus = buses.get(busConfig.id);
    if (!bus) {
      bus = openBus(busConfig, clock);
      buses.set(busConfig.id, bus);
    }
    // No retries: the test measures every read as the line gives it, a corrupt answer included.
    const axisDriver = modbusDriver({ id: axis.id, retries: 0 }, driver, bus, profile, clock);
    // Only the status read leaves this function: the probe cannot write to a drive.
    targets.push({
      bus: bus.id,
      axis: axis.id,
      unitId: driver.unitId,
      timeoutMs: axis.timeoutMs,
      readStatus: (deadlineMs) => axisDriver.readStatus({ deadlineMs }),
    });
    drives.push({ axis: axis.id, bus: bus.id, unitId: driver.unitId, commLossTimeoutMs: profile.commLossTimeoutMs });
  }
  return { targets, drives, buses: [...buses.values()] };
}

/**
 * `axisguard latency-test [config]`: measures this machine's timer and event-loop lateness (and, with
 * a config, round trips of read-only status reads to its Modbus drives) for `seconds`, then prints the
 * figures and the verdict. Returns the exit code: 0 held (or no config), 2 bad config or usage,
 * EXIT_NOT_HELD when the config's period or a drive's watchdog cannot be held.
 */
export async function latencyTest(options: LatencyTestOptions, io: LatencyTestIo, clock: Clock = new RealClock()): Promise<number> {
  let loaded: LoadedLine | undefined;
  if (options.configPath !== undefined) {
    if (options.periodMs !== undefined) {
      io.err.write(
        'axisguard latency-test: --period cannot be combined with a config: the test runs at its cycle.periodMs; to try another period, change cycle.periodMs in a copy of the config\n',
      );
      return EXIT_BAD_CONFIG;
    }
    try {
      loaded = await loadLine(options.configPath);
    } catch (error) {
      if (!isLineLoadRefusal(error)) throw error;
      io.err.write(`${error.format()}\n`);
      return EXIT_BAD_CONFIG;
    }
  }
  const periodMs = loaded?.config.cycle.periodMs ?? options.periodMs ?? DEFAULT_PERIOD_MS;
  const durationMs = options.seconds * 1000;
  const [{ measureLatency }, { judgeLatency }, { formatLatencyReport, latencyDocument, progressLine }] = await Promise.all([
    import('../realtime/latency-probe.ts'),
    import('../realtime/latency-verdict.ts'),
    import('../realtime/latency-report.ts'),
  ]);
  const probe = loaded && (await configProbe(loaded, clock));
  const progress = io.err.isTTY === true;
  try {
    await Promise.all(probe?.buses.map((bus) => bus.start()) ?? []);
    if (progress)
      io.err.write(
        `latency-test: measuring for ${options.seconds} s at a ${periodMs} ms period; keep the machine under its usual load (Ctrl-C ends early)\n`,
      );
    const measurement = await measureLatency({
      clock,
      periodMs,
      durationMs,
      targets: probe?.targets ?? [],
      ...(progress ? { onProgress: (p) => io.err.write(`${progressLine(p, durationMs)}\n`) } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
    });
    const verdict = judgeLatency(measurement, probe?.drives);
    io.out.write(
      options.json
        ? `${JSON.stringify(latencyDocument(measurement, verdict, options.configPath))}\n`
        : formatLatencyReport(measurement, verdict, options.configPath),
    );
    return verdict.ok ? EXIT_OK : EXIT_NOT_HELD;
  } finally {
    await Promise.all(probe?.buses.map((bus) => bus.close()) ?? []);
  }
}

const number =
  (what: string, min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected ${what} from ${min} to ${max}`);
    return n;
  };

/** Adds `axisguard latency-test` to the program. */
export function registerLatencyTestCommand(program: Command): void {
  program
    .command('latency-test')
    .description(
      'measure how punctually this machine runs the supervision cycle (timer and event-loop lateness; with a config, status-read round trips on its buses) and say which cycle period and drive watchdog it can hold',
    )
    .argument(
      '[config]',
      'line config (YAML or JSON): also time read-only status reads of its Modbus drives and check its period and comm-loss watchdogs',
    )
    .option('--seconds <n>', 'how long to measure', number('a number of seconds', 0.1, MAX_SECONDS), DEFAULT_SECONDS)
    .option(
      '--period <ms>',
      `cycle period to test without a config (default ${DEFAULT_PERIOD_MS}); a config runs at its cycle.periodMs`,
      number('a period in ms', 1, 10_000),
    )
    .option('--json', 'print one JSON object instead of the report', false)
    .action(async (configPath: string | undefined, opts: { seconds: number; period?: number; json: boolean }) => {
      // The JIT as a line would run here (jit-inlining.ts), so the test measures what the line will see.
      inlineWhereCpuAllows();
      const interrupted = new AbortController();
      const onSignal = () => interrupted.abort();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        process.exitCode = await latencyTest(
          { configPath, seconds: opts.seconds, periodMs: opts.period, json: opts.json },
          { out: process.stdout, err: process.stderr, signal: interrupted.signal },
        );
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
