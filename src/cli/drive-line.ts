import type { LoadedLine } from '../compose/load-line.ts';
import { runLine } from '../compose/running-line.ts';
import { describeSummary } from '../events/describe-summary.ts';
import { EXIT_BAD_CONFIG, EXIT_ERROR } from './exit-codes.ts';
import { TerminalRunDisplay } from './run-display.ts';
import { describeExitCode, runExitCode } from './run-exit-code.ts';
import type { RunOptions } from './run-options.ts';

/**
 * The running half of `axisguard run`, for a loaded and checked config: runs the line through the
 * composition root (src/compose/running-line.ts), shows it on `out`, and returns the exit code.
 */
export async function driveLine(
  loaded: LoadedLine,
  source: string,
  options: RunOptions,
  out: NodeJS.WriteStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  const display = new TerminalRunDisplay(out, options.json, options.virtual);
  const outcome = await runLine(
    loaded,
    {
      source,
      journalPath: options.journalPath,
      virtual: options.virtual,
      fresh: options.fresh === true,
      until: options.until,
      durationS: options.durationS,
    },
    { err, display, exitCodeOf: runExitCode, exit: () => process.exit(EXIT_ERROR) },
  );
  if (outcome.kind === 'refused') {
    err.write(`${outcome.message}\n`);
    return EXIT_BAD_CONFIG;
  }
  // The table's last frame: the closing summary and what the exit code means.
  display.finish([...describeSummary(outcome.ending.summary), `  ${describeExitCode(outcome.exitCode)}`]);
  return outcome.exitCode;
}
