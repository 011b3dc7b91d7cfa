import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HealthReport } from '../../src/observability/index.ts';
import { httpGet, sampleValue } from './support/scrape.ts';
import { writeTempFile } from '../support/temp-dir.ts';

const BIN = join(import.meta.dirname, '../../bin/axisguard.js');

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `axisguard run` in a child process; `onEvent` sees each JSON event on stdout as it arrives. */
function run(
  args: string[],
  env: NodeJS.ProcessEnv,
  onEvent?: (event: Record<string, unknown>, child: ReturnType<typeof spawn>) => void,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onEvent?.(JSON.parse(line) as Record<string, unknown>, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lineConfig = (extra: string): string =>
  writeTempFile('axisguard-obs-', 'line.yaml', [
    'line: obs-line',
    'axes:',
    '  - { id: a, driver: { type: simulated }, limits: { minMm: 0, maxMm: 600, maxSpeedMmPerS: 400, maxAccelMmPerS2: 2000 } }',
    extra,
  ]);

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('axisguard run with a metrics section', () => {
  it('reports the port it picked, serves /metrics and /healthz while running, logs JSON lines on stderr and keeps stdout pure events', async () => {
    let scraped: Promise<{ metrics: string; health: { status: number; body: string } }> | undefined;
    const seen: Array<Record<string, unknown>> = [];
    const finished = await run(
      [lineConfig('metrics: { port: 0 }'), '--json', '--duration', '60'],
      { AXISGUARD_LOG_LEVEL: 'debug' },
      (event, child) => {
        seen.push(event);
        // Once the axis is powered: scrape, then ask the run to end.
        if (event.type !== 'resync' || scraped) return;
        const { url } = seen.find((e) => e.type === 'metrics_listening') as { url: string };
        scraped = (async () => {
          const metrics = (await httpGet(url)).body;
          const health = await httpGet(url.replace(/metrics$/, 'healthz'));
          child.kill('SIGTERM');
          return { metrics, health };
        })();
      },
    );
    expect(finished.code).toBe(0);
    const { metrics, health } = await scraped!;

    const events = jsonLines(finished.stdout);
    expect(events.every((e) => typeof e.type === 'string' && typeof e.atMs === 'number')).toBe(true);
    const listening = events.find((e) => e.type === 'metrics_listening');
    expect(listening).toMatchObject({ host: '127.0.0.1', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/) });
    expect(listening?.port).toBeGreaterThan(0);
    expect(events.map((e) => e.type).slice(0, 4)).toEqual(['run_start', 'config_load', 'metrics_listening', 'start']);

    expect(sampleValue(metrics, 'axisguard_breaker_state', { axis: 'a' })).toBe(0);
    expect(sampleValue(metrics, 'axisguard_axis_state', { axis: 'a', state: 'Standstill' })).toBe(1);
    expect(sampleValue(metrics, 'axisguard_supervision_cycle_duration_seconds_count')).toBeGreaterThan(0);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', axes: 1, trippedAxes: 0 } satisfies Partial<HealthReport>);

    const logs = jsonLines(finished.stderr);
    for (const log of logs)
      expect(log).toMatchObject({ level: expect.any(String), time: expect.any(String), pid: expect.any(Number), msg: expect.any(String) });
    expect(logs.find((l) => l.event === 'axis_state')).toMatchObject({ level: 'debug', axis: 'a', from: 'Disabled', to: 'Standstill' });
    expect(logs.find((l) => l.event === 'metrics_listening')).toMatchObject({ level: 'info', port: listening?.port });
    expect(logs.filter((l) => l.event === 'stop').at(-1)).toMatchObject({ level: 'info', reason: 'SIGTERM received' });
    expect(logs.at(-1)).toMatchObject({ level: 'info', event: 'run_end', exitCode: 0 });
  });

  it('refuses an unknown AXISGUARD_LOG_LEVEL with exit code 2', async () => {
    const finished = await run([lineConfig(''), '--json'], { AXISGUARD_LOG_LEVEL: 'loud' });
    expect(finished.code).toBe(2);
    expect(finished.stderr).toContain("AXISGUARD_LOG_LEVEL='loud' is not a log level");
    expect(finished.stdout).toBe('');
  });

  it('stops with exit code 1 and the address when the metrics port is taken', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const finished = await run([lineConfig(`metrics: { port: ${port} }`), '--json'], {});
      expect(finished.code).toBe(1);
      // Once logging has started, stderr has one format: the failed start is a fatal log line.
      expect(jsonLines(finished.stderr).filter((l) => l.level === 'fatal')).toEqual([
        expect.objectContaining({
          event: 'start_failed',
          msg: expect.stringContaining(`axisguard: cannot serve metrics on 127.0.0.1:${port}: listen EADDRINUSE`),
        }),
      ]);
    } finally {
      blocker.close();
    }
  });
});
