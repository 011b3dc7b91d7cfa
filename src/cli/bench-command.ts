import { createInterface } from 'node:readline';
import { InvalidArgumentError, type Command } from 'commander';
import { RealClock, type Clock } from '../common/clock.ts';
import { EventEmitter } from '../common/event.ts';
import { VirtualClock } from '../common/virtual-clock.ts';
import { isLineLoadRefusal, loadLine, type LoadedLine } from '../compose/load-line.ts';
import { DEFAULT_CYCLES } from '../bench-test/bench-plan.ts';
import { DEMO_CONFIG_PATH } from './run-command.ts';

const MAX_CYCLES = 1000;

export interface BenchCliOptions {
  readonly distance?: number;
  readonly speed?: number;
  readonly cycles: number;
  readonly out: string;
  readonly yes: boolean;
  readonly virtual: boolean;
}

const number =
  (what: string, ok: (n: number) => boolean) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new InvalidArgumentError(`expected ${what}`);
    return n;
  };

/** One line from a terminal; false for anything but "yes", Ctrl-C or Ctrl-D. */
function askYes(stdin: NodeJS.ReadStream, prompt: NodeJS.WritableStream, question: string): Promise<boolean> {
  const rl = createInterface({ input: stdin, output: prompt });
  return new Promise((resolve) => {
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => resolve(false));
    rl.question(question, (answer) => {
      resolve(answer.trim() === 'yes');
      rl.close();
    });
  });
}

/**
 * `axisguard bench <axis> [config]`: loads the line (the built-in demo without a config), wires the
 * terminal (confirmation, SIGINT/SIGTERM) and runs the bench test. Returns the exit code.
 */
export async function benchCommand(axisId: string, configPath: string | undefined, opts: BenchCliOptions): Promise<number> {
  // The bench builds a whole line (supervisor, drivers): loaded only when this command runs, not at every start.
  const { BENCH_REFUSED, runBench } = await import('../bench-test/bench-run.ts');
  const source = configPath ?? DEMO_CONFIG_PATH;
  let loaded: LoadedLine;
  try {
    loaded = await loadLine(source);
  } catch (error) {
    if (!isLineLoadRefusal(error)) throw error;
    process.stderr.write(`${error.format()}\n`);
    return BENCH_REFUSED;
  }
  const interrupts = new EventEmitter<string>();
  const onSignal = (signal: NodeJS.Signals) => interrupts.emit(`${signal} received`);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const clock: Clock = opts.virtual ? new VirtualClock() : new RealClock();
  try {
    return await runBench(
      loaded,
      {
        source,
        axisId,
        request: { distanceMm: opts.distance, speedMmPerS: opts.speed, cycles: opts.cycles },
        outDir: opts.out,
        assumeYes: opts.yes,
      },
      clock,
      {
        out: process.stdout,
        err: process.stderr,
        confirm: process.stdin.isTTY ? (question) => askYes(process.stdin, process.stderr, question) : undefined,
        onInterrupt: interrupts.event,
      },
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Adds `axisguard bench` to the program. */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('run a small, bounded test profile on ONE axis and report latency, following error, settling and overshoot (JSON + SVG)')
    .argument('<axis>', 'id of the axis to test')
    .argument('[config]', 'line config (YAML or JSON); default the built-in demo line')
    .option(
      '--distance <mm>',
      'signed stroke from the present position; default 10 mm (at most 10 % of the travel) toward the side with more room',
      number('a non-zero number of mm, e.g. 20 or -20', (n) => n !== 0),
    )
    .option(
      '--speed <mm_per_s>',
      "profile speed; default 25 % of the axis's max speed",
      number('a speed in mm/s greater than 0', (n) => n > 0),
    )
    .option(
      '--cycles <n>',
      'out-and-back cycles',
      number(`an integer 1..${MAX_CYCLES}`, (n) => Number.isInteger(n) && n >= 1 && n <= MAX_CYCLES),
      DEFAULT_CYCLES,
    )
    .option('--out <dir>', 'folder for bench-<axis>-<n>.json and .svg', '.')
    .option('--yes', 'run without asking for confirmation', false)
    .option('--virtual', 'run on the virtual clock, as fast as possible (simulated axes only)', false)
    .action(async (axisId: string, configPath: string | undefined, opts: BenchCliOptions) => {
      process.exitCode = await benchCommand(axisId, configPath, opts);
    });
}
