import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Figure, Row } from '../figure.ts';
import { median } from '../stats.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COMMAND = ['bin/axisguard.js', 'run', '--check-config'] as const;
const RUNS = 7;
const TARGET_MS = 400;

/**
 * The two ways bin/axisguard.js starts: the bundle in dist/, or the TypeScript sources through tsx.
 * AXISGUARD_FROM_SOURCE=0 makes bin/axisguard.js exit with 1 rather than fall back to tsx, so a source
 * edited during the runs fails the figure instead of sending the dist runs through tsx unnoticed.
 */
const MODES = [
  { key: 'dist', label: 'from dist/ (npm run build)', env: { AXISGUARD_FROM_SOURCE: '0' } },
  { key: 'source', label: 'from source (tsx, AXISGUARD_FROM_SOURCE=1)', env: { AXISGUARD_FROM_SOURCE: '1' } },
] as const;

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  const done = spawnSync(command, args, { cwd: REPO_ROOT, env, encoding: 'utf8' });
  if (done.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited with ${done.status ?? done.signal}:\n${done.stderr.slice(-2000)}`);
  return done.stdout;
}

/**
 * CPU (user + system) of this process's waited-for children so far, in ms: cutime and cstime of
 * /proc/self/stat. A child's own rusage, read once it is reaped: everything it ran, its threads and
 * its exit included. Fields after the command name, which ends at the last ')'.
 */
function childrenCpuMs(ticksPerS: number): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // cutime and cstime are fields 16 and 17 of proc(5); `fields` starts at field 3.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticksPerS;
}

/** CPU of one `node bin/axisguard.js run --check-config`, checked to have passed the way `mode` says. */
function startupCpuMs(mode: (typeof MODES)[number], ticksPerS: number): number {
  const before = childrenCpuMs(ticksPerS);
  const stdout = run(process.execPath, COMMAND, { ...process.env, ...mode.env });
  const cpuMs = childrenCpuMs(ticksPerS) - before;
  if (!stdout.startsWith('config OK')) throw new Error(`${mode.key}: unexpected output of ${COMMAND.join(' ')}: ${stdout}`);
  return cpuMs;
}

export const startupCpu: Figure = {
  key: 'startup_cpu_ms',
  glossary: {
    'dist.median': `CPU (user + system) of one start, ms, median of ${RUNS} (target <= ${TARGET_MS})`,
    'source.median': `the same through tsx, ms, median of ${RUNS}`,
    max: 'largest of the runs, ms',
    runs: 'each run, ms, in run order',
    targetMs: 'the target for the median from dist/, ms',
  },
  title: 'Start-up CPU of `axisguard run --check-config`',
  // CPU time, not wall time, but a busy machine still inflates it (caches, frequency): it runs alone.
  timed: true,
  method:
    `\`node ${COMMAND.join(' ')}\` (the built-in demo line), ${RUNS} runs per mode, the modes alternating, after \`npm run build\`; ` +
    'CPU = user + system of the child from its rusage once reaped (cutime + cstime of /proc/self/stat, clock-tick resolution, 10 ms on Linux). ' +
    'dist: bin/axisguard.js runs the esbuild bundle dist/axisguard.mjs (its freshness check included; AXISGUARD_FROM_SOURCE=0, so a stale build fails instead of falling back to tsx). source: the TypeScript sources through tsx (its transform cache warm after the first run).',
  async measure(progress) {
    progress('npm run build');
    run('npm', ['run', 'build']);
    const ticksPerS = Number(run('getconf', ['CLK_TCK']));
    const runs: Record<string, number[]> = Object.fromEntries(MODES.map((m) => [m.key, []]));
    for (let i = 0; i < RUNS; i++) {
      progress(`run ${i + 1}/${RUNS}`);
      for (const mode of MODES) runs[mode.key]!.push(startupCpuMs(mode, ticksPerS));
    }
    const result: Record<string, unknown> = { targetMs: TARGET_MS };
    const rows: Row[] = [];
    for (const mode of MODES) {
      const values = runs[mode.key]!;
      const med = median(values);
      result[mode.key] = { median: med, max: Math.max(...values), runs: values };
      const verdict = mode.key === 'dist' ? `; target <= ${TARGET_MS} ms ${med <= TARGET_MS ? 'met' : 'NOT met'}` : '';
      rows.push({
        item: mode.label,
        value: `${med.toFixed(0)} ms`,
        note: `median of ${RUNS}, max ${Math.max(...values).toFixed(0)} ms${verdict}`,
      });
    }
    return { result, rows };
  },
};
