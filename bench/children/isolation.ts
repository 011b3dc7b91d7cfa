import { parseConfig } from '../../src/config/index.ts';
import { lineYaml, shuttleMoves, type AxisSpec, type ScheduledFault } from './line-yaml.ts';
import { startVirtualLine } from './virtual-line.ts';

/**
 * Child process: `isolation.ts <silentCount>`. Eight simulated axes (1 ms answer latency) shuttle
 * back and forth; from 1 s on the last `silentCount` of them answer nothing. Over the 60 simulated
 * seconds from 2 s to 62 s, counts the status polls that reach each healthy drive and the longest
 * gap between two of them. Prints one JSON line.
 */
const AXES = 8;
const SILENT_AT_MS = 1_000;
const WINDOW_FROM_MS = 2_000;
const WINDOW_MS = 60_000;

const silentCount = Number(process.argv[2]);
if (!Number.isInteger(silentCount) || silentCount < 0 || silentCount >= AXES) throw new Error(`silentCount must be 0..${AXES - 1}`);

const axes: AxisSpec[] = Array.from({ length: AXES }, (_, i) => ({
  id: `axis${i + 1}`,
  seed: i + 1,
  latencyMs: 1,
  jobs: [shuttleMoves(40, 300)],
}));
const silent = axes.slice(AXES - silentCount);
const faults: ScheduledFault[] = silent.map((axis) => ({ axis: axis.id, atMs: SILENT_AT_MS, fault: { kind: 'silent' } }));
const run = startVirtualLine(parseConfig(lineYaml('isolation', axes, faults), 'isolation.yaml'));

const healthy = axes.slice(0, AXES - silentCount).map((axis) => axis.id);
const polls = new Map(healthy.map((id) => [id, { count: 0, lastAtMs: undefined as number | undefined, maxGapMs: 0 }]));
const windowEndMs = WINDOW_FROM_MS + WINDOW_MS;
for (const id of healthy) {
  const drive = run.line.simulators.get(id);
  if (!drive) throw new Error(`no simulated drive for ${id}`);
  const tally = polls.get(id)!;
  drive.onRequest(({ atMs, request }) => {
    if (request.op !== 'readStatus' || atMs < WINDOW_FROM_MS || atMs >= windowEndMs) return;
    tally.count++;
    if (tally.lastAtMs !== undefined) tally.maxGapMs = Math.max(tally.maxGapMs, atMs - tally.lastAtMs);
    tally.lastAtMs = atMs;
  });
}
await run.clock.runUntil(() => false, windowEndMs);
await run.stop();
if (run.fatal.length > 0) throw new Error(`${run.fatal.length} internal errors, first: ${String(run.fatal[0])}`);

const perAxis = healthy.map((id) => {
  const { count, maxGapMs } = polls.get(id)!;
  return { axis: id, pollsPerS: count / (WINDOW_MS / 1000), maxGapMs };
});
console.log(JSON.stringify({ axes: AXES, silentCount, windowS: WINDOW_MS / 1000, perAxis }));
