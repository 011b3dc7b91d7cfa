import { frameTimeMs } from '../../protocols/rtu-timing.ts';
import { runChild } from '../child.ts';
import type { Figure, Row } from '../figure.ts';
import { median, round } from '../stats.ts';

/** p50, p99 and max, ms. */
export interface Spread {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}
interface ThroughputOutput {
  readonly registers: number;
  readonly transactions: number;
  readonly lost: number;
  readonly perTransactionMs: Spread;
  readonly transactionsPerS: number;
}
/** What `bus-rtu.ts isolation …` prints. */
export interface IsolationOutput {
  readonly periodMs: number;
  readonly healthyReads: number;
  readonly healthyReadMs: Spread;
  readonly deadDriveCallsAfterFault: number;
}

const RUNS = 3;
/** Four status reads take ~20 ms of bus time here (3.5 ms on the wire + pty and OS latency each). */
const PERIOD_MS = 20;
/** FC03 of n registers: request 8 bytes, answer 5 + 2n bytes; 11 bits a character (8E1). */
const wireMs = (registers: number, baud: number) => frameTimeMs(8 + 5 + 2 * registers, baud, 11);

/** `healthy reads p50 …, p99 …; dead drive polled …×`: the note of an isolation row. */
export const isolationNote = (c: IsolationOutput): string =>
  `healthy reads p50 ${round(c.healthyReadMs.p50, 3)} ms, p99 ${round(c.healthyReadMs.p99, 3)} ms; dead drive polled ${c.deadDriveCallsAfterFault}× after the fault`;

export const busRtu: Figure = {
  key: 'bus_rtu',
  glossary: {
    'transaction.registers': 'registers in one status read (FC 03)',
    'transaction.softwareMsP50': 'ms per status read over the pty without wire time, p50 (median of runs)',
    'transaction.softwareMsP99': 'ms per status read over the pty without wire time, p99 (median of runs)',
    'transaction.transactionsPerS': 'sequential status reads per second without wire time',
    'transaction.lost': 'answers lost (deadline passed) in each throughput run',
    'transaction.wireMsAt115200': 'wire time of the same request + answer at 115200 baud, ms',
    'transaction.wireMsAt9600': 'wire time of the same request + answer at 9600 baud, ms',
    'cases.*.ratio': 'healthy-read p50 / p50 with none dead (target <= 1.10)',
    ratio_one_dead: 'healthy-read p50 with 1 of 4 dead (breaker) / none dead (target <= 1.10)',
    ratio_naive: 'healthy-read p50 with 1 of 4 dead (naive loop) / none dead',
  },
  title: 'Modbus RTU over a real pty: software cost per transaction, and a dead drive on a shared bus',
  timed: true,
  method:
    'Our RTU master and the simulator as RTU slave on the two ends of a socat pty pair, kpower-generic status block (12 registers). ' +
    `Throughput: 2000 sequential status reads without modelled wire time (a lost answer is counted, not timed), median of ${RUNS} fresh processes; compared with the wire time the same frames take at 115200 and 9600 baud. ` +
    `Isolation: 4 drives on one bus with wire time modelled at 115200 baud, polled every ${PERIOD_MS} ms for 8 s; unit 4 goes silent at 1 s; ` +
    'the status-read latency (submission to answer) of the 3 healthy drives from 2 s on, with the supervisor (breaker) and with a naive loop polling every drive every cycle. ratio = p50 with a dead drive / p50 with none (target <= 1.10).',
  async measure(progress) {
    const throughput: ThroughputOutput[] = [];
    for (let i = 0; i < RUNS; i++) {
      progress(`throughput run ${i + 1}/${RUNS}`);
      throughput.push(await runChild<ThroughputOutput>('bus-rtu.ts', ['throughput']));
    }
    const registers = throughput[0]!.registers;
    const softwareMs = median(throughput.map((t) => t.perTransactionMs.p50));
    const cases: Record<string, IsolationOutput> = {};
    for (const [name, args] of [
      ['none_dead', ['isolation', 4, 0, 'breaker', PERIOD_MS]],
      ['one_dead_breaker', ['isolation', 4, 1, 'breaker', PERIOD_MS]],
      ['one_dead_naive', ['isolation', 4, 1, 'naive', PERIOD_MS]],
    ] as const) {
      progress(name);
      cases[name] = await runChild<IsolationOutput>('bus-rtu.ts', [...args]);
    }
    const base = cases.none_dead!.healthyReadMs.p50;
    const ratio = (c: IsolationOutput) => round(c.healthyReadMs.p50 / base, 3);
    const result = {
      transaction: {
        registers,
        softwareMsP50: round(softwareMs),
        softwareMsP99: round(median(throughput.map((t) => t.perTransactionMs.p99))),
        transactionsPerS: round(median(throughput.map((t) => t.transactionsPerS))),
        lost: throughput.map((t) => t.lost),
        wireMsAt115200: round(wireMs(registers, 115_200)),
        wireMsAt9600: round(wireMs(registers, 9_600)),
      },
      isolation: {
        periodMs: cases.none_dead!.periodMs,
        cases: Object.fromEntries(
          Object.entries(cases).map(([k, c]) => [
            k,
            {
              healthyReadMs: c.healthyReadMs,
              healthyReads: c.healthyReads,
              deadDriveCallsAfterFault: c.deadDriveCallsAfterFault,
              ratio: ratio(c),
            },
          ]),
        ),
        ratio_one_dead: ratio(cases.one_dead_breaker!),
        ratio_naive: ratio(cases.one_dead_naive!),
      },
    };
    const t = result.transaction;
    const row = (name: string, c: IsolationOutput): Row => ({
      item: name,
      value: `ratio ${ratio(c).toFixed(2)}`,
      note: isolationNote(c),
    });
    const rows: Row[] = [
      {
        item: 'software per transaction',
        value: `${t.softwareMsP50} ms`,
        note: `p99 ${t.softwareMsP99} ms, ${t.transactionsPerS} tx/s, ${t.lost.reduce((a, b) => a + b, 0)} answers lost; the same frames take ${t.wireMsAt115200} ms on the wire at 115200, ${t.wireMsAt9600} ms at 9600`,
      },
      row('4 drives, none dead', cases.none_dead!),
      row('1 of 4 dead, breaker', cases.one_dead_breaker!),
      row('1 of 4 dead, naive loop', cases.one_dead_naive!),
    ];
    return { result, rows };
  },
};
