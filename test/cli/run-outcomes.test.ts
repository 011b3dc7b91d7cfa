import { createServer, type Server } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_BAD_CONFIG, EXIT_ERROR, EXIT_INCOMPLETE, EXIT_OK } from '../../src/cli/exit-codes.ts';
import { DEMO_CONFIG_PATH } from '../../src/cli/run-command.ts';
import { jsonEvents, logLines, runAxisguard } from '../support/spawn-run.ts';
import { LIMITS, wrongPortLine } from './support/wrong-port-line.ts';

/**
 * Issue #11: a run's outcome can never be mistaken for success when it was not. The real CLI in a
 * child process: exit codes, the closing summary and the run records.
 */
const tempDir = () => mkdtempSync(join(tmpdir(), 'axisguard-outcome-'));
const journalRecords = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; [k: string]: unknown });

function listenOnFreePort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('axisguard run: outcomes and exit codes', () => {
  it('a wrong serial port: every job parked, exit 3, the summary names the path and ENOENT', async () => {
    const { config, missing } = wrongPortLine('axisguard-outcome-');
    const run = await runAxisguard(['run', config, '--json', '--duration', '10'], {}).finished;
    expect(run.code, run.stderr).toBe(EXIT_INCOMPLETE);
    const summary = jsonEvents(run.stdout).find((e) => e.type === 'run_summary');
    expect(summary).toMatchObject({ jobs: { total: 1, done: 0, parked: ['job1'] }, holdsNotConfirmed: ['ax1'] });
    expect((summary!.busesNotOpened as { bus: string; why: string }[])[0]).toMatchObject({
      bus: 'rs485',
      why: expect.stringContaining(`${missing} (ENOENT`),
    });
    // The readable summary line names it too.
    const line = logLines(run.stderr).find((l) => l.event === 'run_summary_line');
    expect(line?.msg).toMatch(/bus rs485 never opened: cannot open .*ttyUSB9 \(ENOENT.*exit code 3$/);
  });

  it('a start that fails (metrics port taken) ends at once with exit 1, one line naming the port, and no journal error', async () => {
    const { server, port } = await listenOnFreePort();
    try {
      const dir = tempDir();
      const config = join(dir, 'line.yaml');
      const journal = join(dir, 'journal.jsonl');
      // The demo line schedules simulated faults for 7 s: a failed start must not wait for them.
      writeFileSync(config, `${readFileSync(DEMO_CONFIG_PATH, 'utf8')}\nmetrics: { host: 127.0.0.1, port: ${port} }\n`);
      const startedAt = Date.now();
      const run = await runAxisguard(['run', config, '--json', '--journal', journal, '--duration', '30'], {}).finished;
      const wallMs = Date.now() - startedAt;
      expect(run.code, run.stderr).toBe(EXIT_ERROR);
      // About 0.3 s here; generous for a busy CI machine. The old bug waited out the demo's last fault (7 s).
      expect(wallMs).toBeLessThan(3000);
      const failed = logLines(run.stderr).filter((l) => l.event === 'start_failed');
      expect(failed).toEqual([expect.objectContaining({ msg: expect.stringContaining(`127.0.0.1:${port}`) })]);
      expect(run.stderr).not.toContain('journal_write_error');
      const records = journalRecords(journal);
      expect(records.at(-1)).toMatchObject({
        type: 'run_end',
        exitCode: EXIT_ERROR,
        reason: expect.stringMatching(/^start failed: .*EADDRINUSE/),
      });
    } finally {
      server.close();
    }
  });

  it('a start that fails (console socket already served) ends at once with exit 1, one line naming the socket, and no journal error', async () => {
    const dir = tempDir();
    const socketPath = join(dir, 'console.sock');
    const other = await new Promise<Server>((resolve) => {
      const server = createServer().listen(socketPath, () => resolve(server));
    });
    try {
      const config = join(dir, 'line.yaml');
      const journal = join(dir, 'journal.jsonl');
      writeFileSync(config, `${readFileSync(DEMO_CONFIG_PATH, 'utf8')}\nconsole:\n  socket: { path: ${socketPath} }\n`);
      const startedAt = Date.now();
      const run = await runAxisguard(['run', config, '--json', '--journal', journal, '--duration', '30'], {}).finished;
      expect(run.code, run.stderr).toBe(EXIT_ERROR);
      expect(Date.now() - startedAt).toBeLessThan(3000);
      const failed = logLines(run.stderr).filter((l) => l.event === 'start_failed');
      expect(failed).toEqual([expect.objectContaining({ msg: expect.stringContaining(`console socket ${socketPath}`) })]);
      expect(run.stderr).not.toContain('journal_write_error');
      expect(journalRecords(journal).at(-1)).toMatchObject({ type: 'run_end', exitCode: EXIT_ERROR });
    } finally {
      other.close();
    }
  });

  it('with a console, run_end is still the last record: the console closes before the run is summed up', async () => {
    const dir = tempDir();
    const config = join(dir, 'line.yaml');
    const journal = join(dir, 'journal.jsonl');
    writeFileSync(config, `${readFileSync(DEMO_CONFIG_PATH, 'utf8')}\nconsole:\n  socket: { path: ${join(dir, 'console.sock')} }\n`);
    const run = await runAxisguard(['run', config, '--virtual', '--json', '--journal', journal], {}).finished;
    expect(run.code, run.stderr).toBe(EXIT_OK);
    const types = journalRecords(journal).map((r) => r.type);
    expect(types.slice(-4)).toEqual(['stop', 'console_transport', 'run_summary', 'run_end']);
    expect(run.stderr).not.toContain('journal_write_error');
  });

  it('journals the run between a run_start and a run_end record with the same run id', async () => {
    const journal = join(tempDir(), 'journal.jsonl');
    const run = await runAxisguard(['run', '--virtual', '--json', '--journal', journal], {}).finished;
    expect(run.code, run.stderr).toBe(EXIT_OK);
    const records = journalRecords(journal);
    const start = records[0]!;
    expect(start).toMatchObject({
      type: 'run_start',
      pid: expect.any(Number),
      version: expect.any(String),
      configPath: DEMO_CONFIG_PATH,
      fresh: false,
    });
    expect(start.configSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(records.at(-1)).toMatchObject({
      type: 'run_end',
      runId: start.runId,
      exitCode: 0,
      reason: 'every job is done or parked',
      summary: { jobs: { total: 5, done: 5 } },
    });
  });

  it('--until never keeps a settled line running until --duration', async () => {
    const run = await runAxisguard(['run', '--virtual', '--json', '--until', 'never', '--duration', '30'], {}).finished;
    expect(run.code, run.stderr).toBe(EXIT_OK);
    const events = jsonEvents(run.stdout);
    expect(events.find((e) => e.type === 'stop')).toMatchObject({ atMs: expect.closeTo(30_000, -1), reason: 'duration reached' });
  });

  it('a line without jobs, ended by --duration with every hold confirmed, exits 0 (also under --until never)', async () => {
    const config = join(tempDir(), 'line.yaml');
    writeFileSync(config, ['axes:', `  - { id: ax1, driver: { type: simulated, seed: 1 }, ${LIMITS} }`].join('\n'));
    for (const until of ['done', 'never']) {
      const run = await runAxisguard(['run', config, '--virtual', '--json', '--until', until, '--duration', '2'], {}).finished;
      expect(run.code, run.stderr).toBe(EXIT_OK);
      expect(jsonEvents(run.stdout).find((e) => e.type === 'run_summary')).toMatchObject({
        reason: 'duration reached',
        jobs: { total: 0, done: 0 },
        holdsNotConfirmed: [],
      });
    }
  });

  it('a run cut short by --duration with work left exits 3 and counts the jobs still queued or running as interrupted', async () => {
    const run = await runAxisguard(['run', '--virtual', '--json', '--duration', '1'], {}).finished;
    expect(run.code, run.stderr).toBe(EXIT_INCOMPLETE);
    const summary = jsonEvents(run.stdout).find((e) => e.type === 'run_summary') as unknown as {
      reason: string;
      jobs: { done: number; parked: string[]; interrupted: string[]; notStarted: string[]; total: number };
    };
    expect(summary.reason).toBe('duration reached');
    expect(summary.jobs.done + summary.jobs.parked.length + summary.jobs.interrupted.length).toBe(summary.jobs.total);
    expect(summary.jobs.interrupted.length).toBeGreaterThan(0);
    for (const id of summary.jobs.notStarted) expect(summary.jobs.interrupted).toContain(id);
  });

  it('--check-config refuses a log level from the environment it does not know, naming the variable and the levels', async () => {
    const run = await runAxisguard(['run', '--check-config'], { AXISGUARD_LOG_LEVEL: 'loud' }).finished;
    expect(run.code).toBe(EXIT_BAD_CONFIG);
    expect(run.stderr).toContain(
      "AXISGUARD_LOG_LEVEL='loud' is not a log level; use one of fatal, error, warn, info, debug, trace, silent",
    );
  });
});
