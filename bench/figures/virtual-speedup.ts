import { runChild } from '../child.ts';
import type { Figure, Row } from '../figure.ts';
import { median, round } from '../stats.ts';

interface SpeedupOutput {
  readonly axes: number;
  readonly simulatedS: number;
  readonly wallS: number;
  readonly movesDone: number;
  readonly jobsDone: number;
  readonly jobsParked: number;
  readonly jobsOpen: number;
}

/** The demo is short (about 8 simulated s); a 600 s run of 32 axes takes some 20 s, so fewer runs. */
const LINES = [
  { mode: 'demo', runs: 5, label: 'demo line (examples/demo-line.yaml)' },
  { mode: 'line32', runs: 3, label: '32 axes (16 shuttling, 16 idle), 600 s' },
] as const;

export const virtualSpeedup: Figure = {
  key: 'virtual_speedup',
  glossary: {
    speedup: 'simulated seconds per wall second, median of runs',
    runs: 'speedup of each run',
    axes: 'axes in the line',
    'jobs.done': 'jobs done at the end',
    'jobs.parked': 'jobs parked at the end',
    'jobs.open': 'jobs still running at the end (line32 runs for a fixed time)',
  },
  title: 'Virtual time: simulated seconds per wall second',
  timed: true,
  method:
    'A line built by the composition root on a VirtualClock, each run in a fresh process; wall time from building the line to the supervisor stopped. ' +
    'demo: examples/demo-line.yaml until every job is done or parked (its jam and silent faults included). ' +
    'line32: generated config, 32 simulated axes (1 ms latency, 10 ms cycle), 16 shuttling 400 mm at 200 mm/s, 16 idle, for 600 simulated s. Median of the runs.',
  async measure(progress) {
    const result: Record<string, object> = {};
    const rows: Row[] = [];
    for (const line of LINES) {
      const outputs: SpeedupOutput[] = [];
      for (let i = 0; i < line.runs; i++) {
        progress(`${line.mode} run ${i + 1}/${line.runs}`);
        outputs.push(await runChild<SpeedupOutput>('speedup.ts', [line.mode]));
      }
      const speedups = outputs.map((o) => o.simulatedS / o.wallS);
      const first = outputs[0]!;
      const speedup = median(speedups);
      result[line.mode] = {
        speedup: round(speedup, 3),
        axes: first.axes,
        simulatedS: first.simulatedS,
        wallS: round(median(outputs.map((o) => o.wallS)), 3),
        runs: speedups.map((s) => round(s, 3)),
        movesDone: first.movesDone,
        jobs: { done: first.jobsDone, parked: first.jobsParked, open: first.jobsOpen },
      };
      rows.push({
        item: line.label,
        value: `${speedup.toFixed(1)}×`,
        note: `${first.simulatedS.toFixed(1)} simulated s in ${median(outputs.map((o) => o.wallS)).toFixed(2)} s wall, median of ${line.runs}; ${first.movesDone} moves`,
      });
    }
    return { result, rows };
  },
};
