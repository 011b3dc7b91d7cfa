import { performance } from 'node:perf_hooks';
import { parseConfig, type Config } from '../../src/config/index.ts';
import { isOpenJob } from '../../src/line/job-board.ts';
import { lineYaml, shuttleMoves, type AxisSpec, type ScheduledFault } from './line-yaml.ts';
import { startVirtualLine } from './virtual-line.ts';

/**
 * Child process, run with --expose-gc: `soak.ts <simulatedS> <axes>`. The axes shuttle through repeated
 * jobs (50 moves each, more than the run can finish) with 0.2 % of requests lost (each loss is a
 * missed deadline the breaker counts), in virtual time. Every `SAMPLE_S` simulated seconds, after
 * two full garbage collections, reads RSS and heap used; the first sample closes the warm-up.
 * Prints one JSON line.
 */
const AXES = Number(process.argv[3]);
if (!Number.isInteger(AXES) || AXES < 1) throw new Error(`usage: soak.ts <simulatedS> <axes>, got axes '${process.argv[3]}'`);
const SAMPLE_S = 3_600;
const MOVES_PER_JOB = 50;
/** A 400 mm move at 300 mm/s takes about 1.55 s with settling: budgeting 1.2 s leaves spare jobs. */
const MS_PER_MOVE = 1_200;
const LOSS = 0.002;

const gc = globalThis.gc;
if (!gc) throw new Error('run with --expose-gc');
const simulatedS = Number(process.argv[2]);
if (!(simulatedS >= 2 * SAMPLE_S)) throw new Error(`simulatedS must be at least ${2 * SAMPLE_S}`);

/**
 * The line with one job per axis, parsed and checked like any config, then that job repeated (same
 * moves, new ids) as often as the run needs. A day's half a million moves written out as YAML would
 * take about a minute to parse and over 2 GB to hold.
 */
function soakConfig(): Config {
  const axes: AxisSpec[] = Array.from({ length: AXES }, (_, i) => ({
    id: `axis${i + 1}`,
    seed: i + 1,
    jobs: [shuttleMoves(MOVES_PER_JOB, 300)],
  }));
  const faults: ScheduledFault[] = axes.map((axis) => ({ axis: axis.id, atMs: 0, fault: { kind: 'dropout', probability: LOSS } }));
  const line = parseConfig(lineYaml('soak', axes, faults), 'soak.yaml');
  const jobsPerAxis = Math.ceil((simulatedS * 1000) / MS_PER_MOVE / MOVES_PER_JOB);
  const jobs = line.jobs.flatMap((job) => Array.from({ length: jobsPerAxis }, (_, j) => ({ ...job, id: `${job.axis}-job${j + 1}` })));
  return { ...line, jobs };
}

const config = soakConfig();
// Drops what building the config left behind before the line starts.
gc();
const run = startVirtualLine(config);
let trips = 0;
run.line.supervisor.onEvent((event) => {
  if (event.type === 'trip') trips++;
});

interface Sample {
  readonly atS: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
}
const samples: Sample[] = [];
const started = performance.now();
const cpuStart = process.cpuUsage();
for (let atS = SAMPLE_S; atS <= simulatedS; atS += SAMPLE_S) {
  await run.clock.runUntil(() => false, atS * 1000);
  gc();
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  samples.push({ atS, rssMb: rss / 2 ** 20, heapUsedMb: heapUsed / 2 ** 20 });
}
const wallS = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
await run.stop();
if (run.fatal.length > 0) throw new Error(`${run.fatal.length} internal errors, first: ${String(run.fatal[0])}`);

const jobs = run.line.supervisor.jobs();
const lost = [...run.line.simulators.values()].reduce((sum, drive) => sum + drive.stats().lost, 0);
console.log(
  JSON.stringify({
    axes: AXES,
    simulatedS,
    wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    samples,
    movesDone: jobs.reduce((sum, j) => sum + j.movesDone, 0),
    jobsOpen: jobs.filter(isOpenJob).length,
    requestsLost: lost,
    trips,
  }),
);
