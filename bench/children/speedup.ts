import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { parseConfig, type Config } from '../../src/config/index.ts';
import { lineYaml, shuttleMoves, type AxisSpec } from './line-yaml.ts';
import { startVirtualLine } from './virtual-line.ts';

/**
 * Child process: `speedup.ts demo` runs examples/demo-line.yaml in virtual time until every job is
 * done or parked; `speedup.ts line32` runs a generated 32-axis line (16 axes shuttling, 16 idle)
 * for 600 simulated seconds. Prints simulated and wall seconds as one JSON line.
 */
const LINE32_AXES = 32;
const LINE32_SIMULATED_MS = 600_000;
/** 2.4 s or so per 400 mm move at 200 mm/s: 320 of them outlast the 600 s. */
const LINE32_MOVES = 320;

async function demoConfig(): Promise<Config> {
  const path = new URL('../../examples/demo-line.yaml', import.meta.url);
  return parseConfig(await readFile(path, 'utf8'), 'examples/demo-line.yaml');
}

function line32Config(): Config {
  const axes: AxisSpec[] = Array.from({ length: LINE32_AXES }, (_, i) => ({
    id: `axis${i + 1}`,
    seed: i + 1,
    jobs: i % 2 === 0 ? [shuttleMoves(LINE32_MOVES, 200)] : [],
  }));
  return parseConfig(lineYaml('line32', axes), 'line32.yaml');
}

const mode = process.argv[2];
if (mode !== 'demo' && mode !== 'line32') throw new Error(`usage: speedup.ts demo|line32, got '${mode}'`);
const config = mode === 'demo' ? await demoConfig() : line32Config();

const started = performance.now();
const run = startVirtualLine(config);
const supervisor = run.line.supervisor;
if (mode === 'demo') await run.clock.runUntil(() => supervisor.isSettled());
else await run.clock.runUntil(() => false, LINE32_SIMULATED_MS);
await run.stop();
const wallS = (performance.now() - started) / 1000;

if (run.fatal.length > 0) throw new Error(`${mode}: ${run.fatal.length} internal errors, first: ${String(run.fatal[0])}`);
const jobs = supervisor.jobs();
const count = (status: string) => jobs.filter((j) => j.status === status).length;
console.log(
  JSON.stringify({
    mode,
    axes: config.axes.length,
    simulatedS: run.clock.now() / 1000,
    wallS,
    movesDone: jobs.reduce((sum, j) => sum + j.movesDone, 0),
    jobsDone: count('done'),
    jobsParked: count('parked'),
    jobsOpen: jobs.length - count('done') - count('parked'),
  }),
);
