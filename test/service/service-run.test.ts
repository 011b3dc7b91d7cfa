import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_INCOMPLETE } from '../../src/cli/exit-codes.ts';
import { readJournal } from '../../src/journal/index.ts';
import { requireTools } from '../protocols/support/external-tools.ts';
import { notifyReceiverEach } from './support/notify-receiver.ts';
import { lineFiles } from '../support/line-files.ts';
import { jsonEvents, logLines, runAxisguard } from '../support/spawn-run.ts';

const DEMO_AXES = ['infeed', 'outfeed', 'pickA', 'pickB', 'press'];
const tools = requireTools('socat', 'perl');
const tempDir = () => mkdtempSync(join(tmpdir(), 'axisguard-service-'));

describe.skipIf(tools.skip)('axisguard run under a service manager (sd_notify on a real datagram socket)', () => {
  const startReceiver = notifyReceiverEach(tools);

  it('reports READY after every axis has re-synced, pets the watchdog while running, and STOPPING on SIGTERM', async () => {
    const notify = await startReceiver(tempDir());
    // WATCHDOG_USEC 0.4 s: a pet every 200 ms. No WATCHDOG_PID: the watchdog is meant for whoever reads it.
    const run = runAxisguard(['run', '--json'], { NOTIFY_SOCKET: notify.socketPath, WATCHDOG_USEC: '400000' });
    let stdoutAtReady = '';
    let stdoutSoFar = '';
    run.child.stdout!.on('data', (chunk: Buffer) => (stdoutSoFar += chunk.toString()));
    notify.onMessage((m) => {
      if (m.includes('READY=1')) stdoutAtReady = stdoutSoFar;
    });
    const ready = await notify.waitFor((m) => m.includes('READY=1'));
    const readyIndex = notify.messages.indexOf(ready);
    await notify.waitFor(() => notify.messages.slice(readyIndex).filter((m) => m.includes('WATCHDOG=1')).length >= 3);
    run.child.kill('SIGTERM');
    const finished = await run.finished;
    await notify.waitFor((m) => m.includes('STOPPING=1'));

    // Stopped mid-work: every hold confirmed, but jobs interrupted (exit 3, README "Outcomes and exit codes").
    expect(finished.code).toBe(EXIT_INCOMPLETE);
    // Every axis's power-up re-sync was already printed when READY arrived.
    const resynced = jsonEvents(stdoutAtReady)
      .filter((e) => e.type === 'resync')
      .map((e) => e.axis);
    expect([...new Set(resynced)].sort()).toEqual(DEMO_AXES);
    // In real time an axis may already have begun its first job move when READY goes out: every axis is
    // up, each at Standstill or in DiscreteMotion, and no job is done or parked yet.
    expect(ready).toEqual([
      'READY=1',
      expect.stringMatching(
        /^STATUS=5\/5 axes up: (Standstill [1-5](, DiscreteMotion [1-4])?|DiscreteMotion 5); jobs: 0 done, 0 parked, 5 open$/,
      ),
    ]);
    const counts = [...(ready[1] ?? '').matchAll(/(Standstill|DiscreteMotion) (\d)/g)].reduce((sum, m) => sum + Number(m[2]), 0);
    expect(counts).toBe(5);
    expect(notify.messages.filter((m) => m.includes('READY=1'))).toHaveLength(1);
    expect(notify.messages.at(-1)).toEqual(['STOPPING=1', 'STATUS=stopping: SIGTERM received']);
    expect(
      jsonEvents(finished.stdout)
        .filter((e) => e.type === 'stop')
        .at(-1),
    ).toMatchObject({ reason: 'SIGTERM received' });
    expect(jsonEvents(finished.stdout).at(-1)).toMatchObject({ type: 'run_end', exitCode: EXIT_INCOMPLETE });
  });

  it('sends no watchdog pets when the watchdog belongs to another process (WATCHDOG_PID)', async () => {
    const notify = await startReceiver(tempDir());
    const run = runAxisguard(['run', '--json', '--duration', '1.5'], {
      NOTIFY_SOCKET: notify.socketPath,
      WATCHDOG_USEC: '200000',
      WATCHDOG_PID: '1',
    });
    const finished = await run.finished;
    await notify.waitFor((m) => m.includes('STOPPING=1'));
    // --duration 1.5 s ends the demo mid-work: exit 3.
    expect(finished.code).toBe(EXIT_INCOMPLETE);
    expect(notify.messages.flat()).not.toContain('WATCHDOG=1');
    expect(notify.messages.flat()).toContain('READY=1');
  });

  it.each([
    ['uncaught', 'uncaughtException'],
    ['rejection', 'unhandledRejection'],
  ])('on an injected %s error: holds every axis, journals the error, prints the stack, exits 1', async (kind, source) => {
    const notify = await startReceiver(tempDir());
    const journalPath = join(tempDir(), 'journal.jsonl');
    // AXISGUARD_TEST_CRASH is a documented test hook (src/service/test-crash.ts), never set in production.
    const run = runAxisguard(['run', '--json', '--journal', journalPath], {
      NOTIFY_SOCKET: notify.socketPath,
      AXISGUARD_TEST_CRASH: `${kind}@1500`,
    });
    const finished = await run.finished;

    expect(finished.code).toBe(1);
    // One log format on stderr: the crash is a fatal JSON line with the stack.
    const logged = logLines(finished.stderr).find((l) => l.event === 'fatal');
    expect(logged).toMatchObject({
      level: 'fatal',
      source,
      msg: expect.stringMatching(
        new RegExp(`internal error \\(${source}\\): AXISGUARD_TEST_CRASH: deliberate .*; holding every axis, then exiting$`),
      ),
    });
    expect(logged!.stack).toMatch(/\n\s+at /);
    const journal = (await readJournal(journalPath)).events;
    const fatal = journal.find((e) => e.type === 'fatal');
    expect(fatal).toMatchObject({ source, error: expect.stringContaining('AXISGUARD_TEST_CRASH') });
    expect(fatal!.atMs).toBeGreaterThanOrEqual(1500);
    const shutdownHolds = journal.filter((e) => e.type === 'hold' && e.cause === 'shutdown' && e.atMs >= fatal!.atMs);
    expect(shutdownHolds.map((e) => e.axis).sort()).toEqual(DEMO_AXES);
    expect(journal.filter((e) => e.type === 'stop').at(-1)).toMatchObject({ reason: 'internal error' });
    expect(journal.at(-1)).toMatchObject({ type: 'run_end', reason: 'internal error', exitCode: 1 });
    await expect(notify.waitFor((m) => m.includes('STOPPING=1'))).resolves.toEqual(['STOPPING=1', 'STATUS=stopping: internal error']);
  });
});

describe('axisguard run, bounded shutdown', () => {
  it('exits with code 1 five seconds after SIGTERM when the stop cannot finish, holds already issued', async () => {
    // One healthy axis, one whose drive takes 6 s to answer anything: its shutdown hold cannot be confirmed within 5 s.
    const { config, journalPath } = lineFiles('axisguard-service-', [
      'axes:',
      '  - id: quick',
      '    driver: { type: simulated }',
      '    limits: { minMm: 0, maxMm: 100, maxSpeedMmPerS: 50, maxAccelMmPerS2: 500 }',
      '  - id: sluggish',
      '    driver: { type: simulated, latencyMs: 6000 }',
      '    limits: { minMm: 0, maxMm: 100, maxSpeedMmPerS: 50, maxAccelMmPerS2: 500 }',
      '    timeoutMs: 10000',
    ]);
    let signalledAt = 0;
    const run = runAxisguard(['run', config, '--json', '--journal', journalPath], {}, (soFar, child) => {
      if (signalledAt === 0 && jsonEvents(soFar).some((e) => e.type === 'resync' && e.axis === 'quick')) {
        signalledAt = performance.now();
        child.kill('SIGTERM');
      }
    });
    const finished = await run.finished;
    const tookMs = performance.now() - signalledAt;

    expect(finished.code).toBe(1);
    expect(logLines(finished.stderr).find((l) => l.event === 'shutdown_timeout')).toMatchObject({
      level: 'error',
      msg: expect.stringContaining('shutdown did not finish within 5000 ms; exiting anyway'),
    });
    expect(tookMs).toBeGreaterThanOrEqual(4900);
    expect(tookMs).toBeLessThan(9000);
    const journal = (await readJournal(journalPath)).events;
    expect(journal.find((e) => e.type === 'hold' && e.axis === 'quick' && e.cause === 'shutdown')).toMatchObject({ acknowledged: true });
    expect(journal.at(-1)).toMatchObject({ type: 'shutdown_timeout', boundMs: 5000 });
  });
});
