import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { HostStealWatch } from '../test/support/host-steal.ts';
import type { Figure, Measured } from './figure.ts';
import { breakerCost, breakerWithDeadlineCost } from './figures/breaker-cost.ts';
import { busRtu } from './figures/bus-rtu.ts';
import { cpuPerTransaction } from './figures/cpu-per-transaction.ts';
import { sparkplug } from './figures/sparkplug.ts';
import { livePage } from './figures/live-page.ts';
import { degradation } from './figures/degradation.ts';
import { isolationInProcess } from './figures/isolation-inprocess.ts';
import { isolationRatio } from './figures/isolation-ratio.ts';
import { quarterCore } from './figures/quarter-core.ts';
import { scale } from './figures/scale.ts';
import { soakRss } from './figures/soak-rss.ts';
import { stallTolerance } from './figures/stall-tolerance.ts';
import { startupCpu } from './figures/startup-cpu.ts';
import { stsSyncRead } from './figures/sts-sync-read.ts';
import { tripToHold } from './figures/trip-to-hold.ts';
import { virtualSpeedup } from './figures/virtual-speedup.ts';
import { collectMeta } from './meta.ts';
import { renderMarkdown, renderTable, type Done } from './report.ts';

/**
 * `npm run bench`: measures every figure, each in fresh child processes, writes bench/results.json
 * and BENCHMARKS.md (repo root) and prints the table. Timed figures run one after another, alone; the
 * virtual-time ones then run side by side. A failed figure is reported and the exit code is 1.
 */
const FIGURES: readonly Figure[] = [
  breakerCost,
  breakerWithDeadlineCost,
  busRtu,
  isolationRatio,
  scale,
  virtualSpeedup,
  isolationInProcess,
  tripToHold,
  soakRss,
  startupCpu,
  quarterCore,
  stallTolerance,
  cpuPerTransaction,
  sparkplug,
  livePage,
  degradation,
  stsSyncRead,
];

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s`;
const meta = collectMeta();
const steal = new HostStealWatch();

async function measure(figure: Figure): Promise<Measured> {
  try {
    const measured = await figure.measure((step) => process.stderr.write(`[${elapsed()}] ${figure.key}: ${step}\n`));
    process.stderr.write(`[${elapsed()}] ${figure.key}: done\n`);
    return measured;
  } catch (error) {
    process.exitCode = 1;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`[${elapsed()}] ${figure.key}: FAILED\n${message}\n`);
    return { result: { error: message }, rows: [{ item: 'FAILED', value: '-', note: message.split('\n')[0] }] };
  }
}

const results = new Map<Figure, Measured>();
for (const figure of FIGURES.filter((f) => f.timed)) results.set(figure, await measure(figure));
const untimed = FIGURES.filter((f) => !f.timed);
for (const [i, measured] of (await Promise.all(untimed.map(measure))).entries()) results.set(untimed[i]!, measured);

const done: Done[] = FIGURES.map((figure) => ({ figure, measured: results.get(figure)! }));
const totalS = (performance.now() - started) / 1000;
steal.sample();
const stealS = steal.totalMs / 1000;
const json = {
  meta: { ...meta, totalWallS: Number(totalS.toFixed(1)), hostStealS: Number(stealS.toFixed(1)) },
  ...Object.fromEntries(done.map((d) => [d.figure.key, d.measured.result])),
};
const table = renderTable(done);
await writeFile(new URL('./results.json', import.meta.url), `${JSON.stringify(json, null, 2)}\n`);
await writeFile(new URL('../BENCHMARKS.md', import.meta.url), renderMarkdown(meta, totalS, stealS, table, done, json));
process.stdout.write(`${table}\n\nWrote bench/results.json and BENCHMARKS.md (${totalS.toFixed(0)} s).\n`);
