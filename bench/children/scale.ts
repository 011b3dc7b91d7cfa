import { performance } from 'node:perf_hooks';
import { parseConfig } from '../../src/config/index.ts';
import { lineYaml, shuttleMoves, type AxisSpec } from './line-yaml.ts';
import { startVirtualLine } from './virtual-line.ts';

/**
 * Child process: `scale.ts <axes>`. A generated line of `axes` simulated axes (1 ms answer latency,
 * 10 ms cycle), every one shuttling, run in virtual time. After 2 simulated s of warm-up, measures
 * over the next 10 simulated s the process's CPU time and wall time, and counts the requests that
 * reach the simulated drives (transactions). Prints one JSON line.
 */
const WARM_UP_MS = 2_000;
const WINDOW_MS = 10_000;

const axisCount = Number(process.argv[2]);
if (!Number.isInteger(axisCount) || axisCount < 1) throw new Error(`usage: scale.ts <axes>, got '${process.argv[2]}'`);
const axes: AxisSpec[] = Array.from({ length: axisCount }, (_, i) => ({ id: `axis${i + 1}`, seed: i + 1, jobs: [shuttleMoves(40, 300)] }));
const run = startVirtualLine(parseConfig(lineYaml(`scale${axisCount}`, axes), 'scale.yaml'));

let transactions = 0;
for (const drive of run.line.simulators.values())
  drive.onRequest(({ atMs }) => void (atMs >= WARM_UP_MS && atMs < WARM_UP_MS + WINDOW_MS && transactions++));
await run.clock.runUntil(() => false, WARM_UP_MS);
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
await run.clock.runUntil(() => false, WARM_UP_MS + WINDOW_MS);
const wallMs = performance.now() - wall0;
const cpu = process.cpuUsage(cpu0);
await run.stop();
if (run.fatal.length > 0) throw new Error(`${run.fatal.length} internal errors, first: ${String(run.fatal[0])}`);

const cpuMs = (cpu.user + cpu.system) / 1000;
const simulatedS = WINDOW_MS / 1000;
console.log(
  JSON.stringify({
    axes: axisCount,
    simulatedS,
    wallMs,
    cpuMs,
    transactions,
    cpuMsPerSimulatedS: cpuMs / simulatedS,
    wallMsPerSimulatedS: wallMs / simulatedS,
    cpuUsPerTransaction: (cpuMs * 1000) / transactions,
  }),
);
