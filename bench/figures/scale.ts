import { frameTimeMs } from '../../protocols/rtu-timing.ts';
import { runChild } from '../child.ts';
import type { Figure, Row } from '../figure.ts';
import { median, round } from '../stats.ts';

interface InProcessOutput {
  readonly axes: number;
  readonly simulatedS: number;
  readonly transactions: number;
  readonly cpuMsPerSimulatedS: number;
  readonly wallMsPerSimulatedS: number;
  readonly cpuUsPerTransaction: number;
}
interface PtyOutput {
  readonly drives: number;
  readonly timeoutMs: number;
  readonly transactions: number;
  readonly failures: number;
  readonly transactionsPerS: number;
  readonly cpuMsPerTransaction: number;
}

const AXES = [1, 8, 32, 128] as const;
const DRIVES = [1, 8, 32, 128] as const;
const RUNS = 3;
/** FC03 of the 12-register status block at 115200, 8E1: the most transactions per second the wire allows. */
const WIRE_LIMIT_PER_S = 1000 / frameTimeMs(8 + 5 + 2 * 12, 115_200, 11);

export const scale: Figure = {
  key: 'scale',
  glossary: {
    'inProcess.*.cpuMsPerSimulatedS': 'process CPU ms (user + system) per simulated second, median of runs',
    'inProcess.*.wallMsPerSimulatedS': 'wall ms per simulated second, median of runs',
    'inProcess.*.cpuUsPerTransaction': 'process CPU µs per request reaching a simulated drive, median of runs',
    'inProcess.*.transactionsPerSimulatedS': 'requests reaching the simulated drives per simulated second',
    'pty.baud': 'bus speed',
    'pty.wireLimitPerS': 'status reads per second the wire alone allows at that speed',
    'pty.*.transactionsPerS': 'status reads completed per second, drives read back to back',
    'pty.*.cpuMsPerTransaction': 'process CPU ms per completed status read (master + scheduler + driver + simulated slave)',
    'pty.*.failures': 'reads that missed their deadline in the window',
    'pty.*.timeoutMs':
      'deadline of each read: 200 ms or 15 ms per drive on the bus, whichever is longer (each read queues behind all the others)',
    'pty.*.busShareOfWireLimit': 'transactionsPerS / wireLimitPerS',
  },
  title: 'Cost with more axes: in-process (virtual time) and over a real pty',
  timed: true,
  method:
    `In-process: a generated line of 1, 8, 32 or 128 simulated axes (1 ms answer latency, 10 ms cycle), every axis shuttling, on a VirtualClock; after 2 simulated s of warm-up, the process's CPU time (user + system) and wall time over 10 simulated s, per simulated second and per transaction (a request reaching a simulated drive); median of ${RUNS} fresh processes. ` +
    `Over the pty: ${DRIVES.join(', ')} drives (Modbus unit ids) on one bus at 115200 baud with wire time modelled, each drive's status read issued back to back through the shared bus scheduler (deadline 200 ms or 15 ms per drive, whichever is longer, since each read queues behind all the others) for 3 s after 0.5 s of warm-up; transactions per second achieved (the wire alone allows ${WIRE_LIMIT_PER_S.toFixed(0)}/s) and the process's CPU ms per transaction (our master, scheduler and driver and the simulated slave, all in that one process); one fresh process per case.`,
  async measure(progress) {
    const inProcess: Record<string, object> = {};
    const rows: Row[] = [];
    for (const axes of AXES) {
      const outputs: InProcessOutput[] = [];
      for (let i = 0; i < RUNS; i++) {
        progress(`in-process ${axes} axes, run ${i + 1}/${RUNS}`);
        outputs.push(await runChild<InProcessOutput>('scale.ts', [axes]));
      }
      const cpuMsPerSimS = median(outputs.map((o) => o.cpuMsPerSimulatedS));
      const usPerTx = median(outputs.map((o) => o.cpuUsPerTransaction));
      const wallMsPerSimS = median(outputs.map((o) => o.wallMsPerSimulatedS));
      inProcess[`axes_${axes}`] = {
        cpuMsPerSimulatedS: round(cpuMsPerSimS),
        wallMsPerSimulatedS: round(wallMsPerSimS),
        cpuUsPerTransaction: round(usPerTx),
        transactionsPerSimulatedS: round(outputs[0]!.transactions / outputs[0]!.simulatedS),
      };
      rows.push({
        item: `in-process, ${axes} axes`,
        value: `${round(cpuMsPerSimS, 3)} ms/sim s`,
        note: `CPU; ${round(usPerTx, 3)} µs per transaction, ${round(wallMsPerSimS, 3)} ms wall per simulated s`,
      });
    }
    const pty: Record<string, object> = {};
    for (const drives of DRIVES) {
      progress(`pty ${drives} drives`);
      const o = await runChild<PtyOutput>('bus-rtu.ts', ['scale', drives]);
      pty[`drives_${drives}`] = {
        timeoutMs: o.timeoutMs,
        transactionsPerS: round(o.transactionsPerS),
        cpuMsPerTransaction: round(o.cpuMsPerTransaction),
        failures: o.failures,
        busShareOfWireLimit: round(o.transactionsPerS / WIRE_LIMIT_PER_S, 3),
      };
      rows.push({
        item: `pty 115200, ${drives} drive${drives === 1 ? '' : 's'}`,
        value: `${round(o.transactionsPerS, 3)} tx/s`,
        note: `${round(o.cpuMsPerTransaction, 3)} ms CPU per transaction; ${o.failures} of ${o.transactions + o.failures} reads missed their deadline`,
      });
    }
    return { result: { inProcess, pty: { baud: 115_200, wireLimitPerS: round(WIRE_LIMIT_PER_S), ...pty } }, rows };
  },
};
