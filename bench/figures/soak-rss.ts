import { runChild } from '../child.ts';
import type { Figure } from '../figure.ts';
import { round } from '../stats.ts';

interface Sample {
  readonly atS: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
}

interface SoakOutput {
  readonly axes: number;
  readonly simulatedS: number;
  readonly wallS: number;
  readonly cpuS: number;
  readonly samples: readonly Sample[];
  readonly movesDone: number;
  readonly jobsOpen: number;
  readonly requestsLost: number;
  readonly trips: number;
}

/**
 * The simulated day the issue asks for. Each axis costs about 0.4 ms of CPU per simulated second
 * (polled every 10 ms: each status read goes through the supervisor's task, two deadlines, the
 * simulated driver and drive), so a day of 4 axes takes about 2.5 minutes on one core, beside the
 * other virtual-time figures; 8 axes would double that, past the few minutes the whole run may take.
 * A leak grows with what the line does (events, jobs, trips, lost requests), which a day of 4 axes
 * has plenty of.
 */
const SIMULATED_S = 86_400;
const AXES = 4;

const mb = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)} MB`;

export const soakRss: Figure = {
  key: 'soak_rss_growth_mb',
  glossary: {
    rss: 'RSS growth, last sample − first, MB',
    heapUsed: 'heap-used growth, last sample − first, MB',
    measuredS: 'simulated seconds between the first and last sample',
    cpuS: 'process CPU time of the run (user + system, all threads), s',
    'samples.[].atS': 'simulated time of the sample, s',
    'samples.[].rssMb': 'RSS after two forced GCs, MB',
    'samples.[].heapUsedMb': 'heap used after two forced GCs, MB',
    requestsLost: 'requests deliberately lost (0.2 %)',
    trips: 'breaker trips during the soak',
  },
  title: 'Soak: memory growth over a long virtual-time run',
  timed: false,
  method:
    `${AXES} simulated axes (10 ms cycle, 20 ms deadline) shuttling through repeated generated jobs of 50 moves for ${SIMULATED_S / 3600} simulated hours, 0.2 % of requests lost (missed deadlines), ` +
    'in virtual time, in one fresh process with --expose-gc. RSS and heap used are read every simulated hour after two forced full GCs; ' +
    'growth = last sample − first (the first hour is the warm-up).',
  async measure(progress) {
    progress(`${SIMULATED_S} simulated s`);
    const out = await runChild<SoakOutput>('soak.ts', [SIMULATED_S, AXES], ['--expose-gc']);
    const first = out.samples[0]!;
    const last = out.samples.at(-1)!;
    const rss = out.samples.map((s) => s.rssMb);
    const heap = out.samples.map((s) => s.heapUsedMb);
    const measuredS = last.atS - first.atS;
    return {
      result: {
        rss: round(last.rssMb - first.rssMb, 3),
        heapUsed: round(last.heapUsedMb - first.heapUsedMb, 3),
        axes: out.axes,
        simulatedS: out.simulatedS,
        measuredS,
        wallS: round(out.wallS, 3),
        cpuS: round(out.cpuS, 3),
        samples: out.samples.map((s) => ({ atS: s.atS, rssMb: round(s.rssMb), heapUsedMb: round(s.heapUsedMb) })),
        movesDone: out.movesDone,
        requestsLost: out.requestsLost,
        trips: out.trips,
      },
      rows: [
        {
          item: `RSS, ${out.axes} axes, ${measuredS} of ${out.simulatedS} simulated s`,
          value: mb(last.rssMb - first.rssMb),
          note: `${first.rssMb.toFixed(1)} → ${last.rssMb.toFixed(1)} MB (range ${Math.min(...rss).toFixed(1)}–${Math.max(...rss).toFixed(1)}); ${out.wallS.toFixed(0)} s wall, ${out.cpuS.toFixed(0)} s CPU`,
        },
        {
          item: 'heap used',
          value: mb(last.heapUsedMb - first.heapUsedMb),
          note: `${first.heapUsedMb.toFixed(2)} → ${last.heapUsedMb.toFixed(2)} MB (range ${Math.min(...heap).toFixed(2)}–${Math.max(...heap).toFixed(2)}); ${out.movesDone} moves, ${out.requestsLost} requests lost, ${out.trips} trips`,
        },
      ],
    };
  },
};
