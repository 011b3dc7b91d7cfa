import { runChild } from '../child.ts';
import type { Figure, Row } from '../figure.ts';
import { round } from '../stats.ts';
import type { Spread } from './bus-rtu.ts';

/** What `sts-sync-read.ts <servos> <mode> <baud>` prints. */
interface PollOutput {
  readonly servos: number;
  readonly failures: number;
  readonly requestsPerCycle: number;
  readonly cycleMs: Spread;
  readonly cpuMsPerRead: number;
}

const CASES: ReadonlyArray<readonly [servos: number, baud: number]> = [
  [4, 1_000_000],
  [8, 1_000_000],
  [8, 115_200],
];

export const stsSyncRead: Figure = {
  key: 'sts_sync_read',
  title: 'Feetech SYNC_READ: one poll cycle of every servo on an STS line, one SYNC_READ vs a READ per servo',
  timed: true,
  glossary: {
    'cases.*.servos': 'STS servos on the line',
    'cases.*.baudRate': 'line speed the simulator models (wire time of every frame)',
    'cases.*.sync.cycleMs': 'wall time to read every servo once, with one SYNC_READ (p50, p99, max)',
    'cases.*.single.cycleMs': 'the same with one READ per servo',
    'cases.*.speedup': 'single cycle p50 / sync cycle p50',
    'cases.*.*.cpuMsPerRead': 'process CPU per servo read, ms (master, drivers and simulator in one process)',
    'cases.*.*.failures': 'reads that failed in the 400 measured cycles',
  },
  method:
    'A socat pty pair: the simulator as Feetech STS servos on one end (wire time of each request and answer modelled at the baud rate, SYNC_READ answers back to back), ' +
    "our ServoBusMaster, one bus scheduler and an StsServoDriver per servo on the other, one process. Every cycle asks for every servo's status block (27 registers) at once, as the supervision cycle does: " +
    "sync = through the line's StsSyncReader (the default, one SYNC_READ), single = one READ per servo (`syncRead: false`). 50 warm-up cycles, then 400 back to back; slack 20 ms, deadline 200 ms. " +
    'A pty adds no USB-adapter latency, which a real line pays per request: the gain on hardware is larger than here.',
  async measure(progress) {
    const cases = [];
    const rows: Row[] = [];
    for (const [servos, baudRate] of CASES) {
      progress(`${servos} servos at ${baudRate}`);
      const sync = await runChild<PollOutput>('sts-sync-read.ts', [servos, 'sync', baudRate]);
      const single = await runChild<PollOutput>('sts-sync-read.ts', [servos, 'single', baudRate]);
      const speedup = round(single.cycleMs.p50 / sync.cycleMs.p50, 3);
      const pick = (o: PollOutput) => ({
        requestsPerCycle: o.requestsPerCycle,
        cycleMs: { p50: round(o.cycleMs.p50), p99: round(o.cycleMs.p99), max: round(o.cycleMs.max) },
        cpuMsPerRead: round(o.cpuMsPerRead),
        failures: o.failures,
      });
      cases.push({ servos, baudRate, sync: pick(sync), single: pick(single), speedup });
      rows.push({
        item: `${servos} servos at ${baudRate / 1000} kbaud`,
        value: `${speedup.toFixed(2)}x`,
        note: `poll cycle p50 ${round(sync.cycleMs.p50, 3)} ms with SYNC_READ vs ${round(single.cycleMs.p50, 3)} ms with a READ each; CPU per read ${round(sync.cpuMsPerRead, 2)} vs ${round(single.cpuMsPerRead, 2)} ms; failures ${sync.failures} / ${single.failures}`,
      });
    }
    return { result: { cases }, rows };
  },
};
