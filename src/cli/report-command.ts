import { Option, type Command } from 'commander';
import { EXIT_BAD_CONFIG, EXIT_ERROR } from './exit-codes.ts';

/** `axisguard report <journal>`: the incident report of a journal (README "Incident report"). */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('an incident report from a journal: runs, trips, holds, where jobs went, what is still open')
    .argument('<journal>', 'the journal file (its rotated files beside it are read too, oldest first)')
    .option('--since <time>', 'only runs started at or after this time (ISO 8601, e.g. 2026-12-05T06:00:00Z)')
    .addOption(new Option('--format <format>', 'md, html (with a timeline per run) or json').choices(['md', 'html', 'json']).default('md'))
    .action(async (journal: string, opts: { since?: string; format: 'md' | 'html' | 'json' }) => {
      if (opts.since !== undefined && Number.isNaN(Date.parse(opts.since))) {
        process.stderr.write(`axisguard report: --since '${opts.since}' is not a time; give ISO 8601, e.g. 2026-12-05T06:00:00Z\n`);
        process.exitCode = EXIT_BAD_CONFIG;
        return;
      }
      const { readReport } = await import('../report/read-report.ts');
      try {
        process.stdout.write(`${await readReport(journal, opts.format, opts.since)}\n`);
      } catch (error) {
        process.stderr.write(`axisguard report: ${(error as Error).message}\n`);
        process.exitCode = EXIT_ERROR;
      }
    });
}
