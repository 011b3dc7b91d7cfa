import { runChild } from '../child.ts';
import type { Figure, Row } from '../figure.ts';
import { round } from '../stats.ts';

interface IsolationOutput {
  readonly axes: number;
  readonly silentCount: number;
  readonly windowS: number;
  readonly perAxis: ReadonlyArray<{ readonly axis: string; readonly pollsPerS: number; readonly maxGapMs: number }>;
}

const SILENT_COUNTS = [0, 1, 2, 4] as const;

export const isolationInProcess: Figure = {
  key: 'isolation_inprocess',
  glossary: {
    latencyMs: 'simulated answer latency, ms',
    'cases.[].silent': 'silent axes in this case',
    'cases.[].healthyAxes': 'healthy axes in this case',
    'cases.[].minPollsPerS': 'status polls per second reaching the slowest healthy axis',
    'cases.[].maxPollGapMs': 'longest gap between two polls of a healthy axis, ms',
    'cases.[].ratio': 'minPollsPerS / minPollsPerS with none silent (target 1.0)',
  },
  title: 'Isolation from silent neighbours (in-process simulator, virtual time)',
  timed: false,
  method:
    '8 simulated axes with 1 ms answer latency and a 10 ms cycle shuttle back and forth; from 1 s on the last 0, 1, 2 or 4 of them answer nothing. ' +
    'Status polls reaching each healthy drive are counted from 2 s to 62 s (virtual time, deterministic: one run per case). ' +
    'ratio = the slowest healthy axis with k silent neighbours / the slowest with none (target 1.0). ' +
    'This covers the supervisor only; isolation on a shared bus comes with the Modbus driver.',
  async measure(progress) {
    const outputs: IsolationOutput[] = [];
    for (const silent of SILENT_COUNTS) {
      progress(`${silent} silent`);
      outputs.push(await runChild<IsolationOutput>('isolation.ts', [silent]));
    }
    const slowest = (o: IsolationOutput) => Math.min(...o.perAxis.map((a) => a.pollsPerS));
    const longestGap = (o: IsolationOutput) => Math.max(...o.perAxis.map((a) => a.maxGapMs));
    const baseline = slowest(outputs[0]!);
    const cases = outputs.map((o) => ({
      silent: o.silentCount,
      healthyAxes: o.perAxis.length,
      minPollsPerS: round(slowest(o)),
      maxPollGapMs: round(longestGap(o)),
      ratio: round(slowest(o) / baseline),
    }));
    const rows: Row[] = cases.map((c) => ({
      item: `${c.silent} of 8 silent`,
      value: `ratio ${c.ratio.toFixed(3)}`,
      note: `${c.minPollsPerS} polls/s on the slowest of ${c.healthyAxes} healthy axes, longest gap ${c.maxPollGapMs} ms`,
    }));
    return { result: { axes: outputs[0]!.axes, windowS: outputs[0]!.windowS, latencyMs: 1, cases }, rows };
  },
};
