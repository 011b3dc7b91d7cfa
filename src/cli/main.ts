import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT_ERROR } from './exit-codes.ts';
import { runLine } from './run-command.ts';
import { UNTIL_MODES, type UntilMode } from '../compose/run-end.ts';
import { registerSimCommand } from './sim-command.ts';
import { registerConsoleCommand } from './console-command.ts';
import { registerHashPinCommand } from './hash-pin-command.ts';
import { registerBenchCommand } from './bench-command.ts';
import { registerLatencyTestCommand } from './latency-test-command.ts';
import { registerSparkplugCommand } from './sparkplug-command.ts';
import { registerReportCommand } from './report-command.ts';
import { registerPresetsCommand } from './presets-command.ts';

const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds greater than 0, e.g. 30');
  return n;
};

const program = new Command('axisguard')
  .description('Supervises servo axes through a per-axis circuit breaker; see README.md')
  .showHelpAfterError();

program
  .command('run')
  .description('drive a line; with no config, the built-in demo line of simulated drives')
  .argument('[config]', 'line config (YAML or JSON)')
  .option('--duration <seconds>', 'stop after this long (virtual or real seconds)', seconds)
  .option('--virtual', 'run on the virtual clock, as fast as possible', false)
  .option('--json', 'print one JSON event per line instead of the live table', false)
  .option('--check-config', 'validate the config and exit (2 when invalid)', false)
  .option('--journal <path>', 'append the event journal to this file (overrides journal.path)')
  .addOption(
    new Option('--until <when>', 'done: end once every job is done or parked; never: run as a service until a signal or --duration')
      .choices(UNTIL_MODES)
      .default('done'),
  )
  .option('--fresh', 'start a new line state on purpose instead of restoring it from the journal (latches, parked and done jobs)', false)
  .action(
    async (
      configPath: string | undefined,
      opts: {
        duration?: number;
        virtual: boolean;
        json: boolean;
        checkConfig: boolean;
        journal?: string;
        fresh: boolean;
        until: UntilMode;
      },
    ) => {
      process.exitCode = await runLine(
        {
          configPath,
          durationS: opts.duration,
          virtual: opts.virtual,
          json: opts.json,
          checkConfig: opts.checkConfig,
          journalPath: opts.journal,
          fresh: opts.fresh,
          until: opts.until,
        },
        process.stdout,
        process.stderr,
      );
    },
  );

registerSimCommand(program);
registerConsoleCommand(program);
registerHashPinCommand(program);
registerBenchCommand(program);
registerLatencyTestCommand(program);
registerSparkplugCommand(program);
registerReportCommand(program);
registerPresetsCommand(program);

// A reader that goes away (`| head`, a log collector that died) is no crash: `run` supervises on to its
// end, its journal still keeps every event. Unhandled, the EPIPE of the crash report's own line on stderr
// was a new crash, and so on: a run spun at full CPU writing fatal records and never ended (found 2026-12-06).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`axisguard: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = EXIT_ERROR;
});
