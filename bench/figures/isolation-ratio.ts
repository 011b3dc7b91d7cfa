import { runChild } from '../child.ts';
import type { Figure, Row } from '../figure.ts';
import { round } from '../stats.ts';
import { isolationNote, type IsolationOutput } from './bus-rtu.ts';

const DRIVES = 8;
/** A status read costs ~5 ms of bus time at 115200 here (3.5 ms wire + pty and OS): 8 reads every 60 ms keep the bus ~2/3 busy. */
const PERIOD_MS = 60;

/** Each case: its key in results.json, its row label and its `bus-rtu.ts isolation` arguments. */
const CASES = [
  { key: 'none_dead', label: '8 drives, none dead', args: [DRIVES, 0, 'breaker', PERIOD_MS] },
  { key: 'dead_1_of_8', label: '1 of 8 dead, breaker', args: [DRIVES, 1, 'breaker', PERIOD_MS] },
  { key: 'dead_2_of_8', label: '2 of 8 dead, breaker', args: [DRIVES, 2, 'breaker', PERIOD_MS] },
  { key: 'dead_4_of_8', label: '4 of 8 dead, breaker', args: [DRIVES, 4, 'breaker', PERIOD_MS] },
  { key: 'dead_1_other_bus', label: '8 healthy, 1 dead on a 2nd bus', args: [DRIVES, 1, 'breaker', PERIOD_MS, 'other-bus'] },
  { key: 'dead_1_of_8_naive', label: '1 of 8 dead, naive loop', args: [DRIVES, 1, 'naive', PERIOD_MS] },
] as const;

export const isolationRatio: Figure = {
  key: 'isolation_ratio',
  glossary: {
    drives: 'drives on the (first) bus',
    ratio: 'healthy-read p50 / p50 with none dead (target <= 1.10)',
    p99Ratio: 'healthy-read p99 / p99 with none dead',
    healthyReadMsP50: 'healthy-drive status-read latency, submission to answer, p50, ms',
    healthyReadMsP99: 'healthy-drive status-read latency, submission to answer, p99, ms',
  },
  title: 'Isolation on one RTU bus over a real pty: 8 drives, k dead',
  timed: true,
  method:
    `As bus_rtu's isolation, with ${DRIVES} drives on one bus (115200 baud, wire time modelled) polled by the supervisor every ${PERIOD_MS} ms for 8 s: ` +
    `a status read takes ~5 ms of bus time, so 8 reads fill ~2/3 of each period (busy, not saturated). The last 1, 2 or 4 drives go silent at 1 s; ` +
    'healthy-read latency (submission to answer, queue wait included) from 2 s on. dead_1_other_bus: all 8 drives on the first bus stay healthy, one dead drive sits on a second bus (a second socat pty pair, its own master and scheduler) under the same supervisor. ' +
    'dead_1_of_8_naive: the peer, a loop polling every drive every cycle. ratio = healthy-read p50 / p50 with none dead (target <= 1.10); p99 reported beside it. ' +
    "Fewer live drives also means less bus traffic, so with the breaker a ratio below 1 is expected; the dead drives are the last units in poll order, so even the naive loop's timeouts mostly fall after the healthy reads of a cycle. One fresh process per case.",
  async measure(progress) {
    const outputs = new Map<string, IsolationOutput>();
    for (const c of CASES) {
      progress(c.key);
      outputs.set(c.key, await runChild<IsolationOutput>('bus-rtu.ts', ['isolation', ...c.args]));
    }
    const base = outputs.get('none_dead')!.healthyReadMs;
    const entry = (o: IsolationOutput) => ({
      ratio: round(o.healthyReadMs.p50 / base.p50, 3),
      p99Ratio: round(o.healthyReadMs.p99 / base.p99, 3),
      healthyReadMsP50: round(o.healthyReadMs.p50),
      healthyReadMsP99: round(o.healthyReadMs.p99),
      healthyReads: o.healthyReads,
      deadDriveCallsAfterFault: o.deadDriveCallsAfterFault,
    });
    const result = { drives: DRIVES, periodMs: PERIOD_MS, ...Object.fromEntries(CASES.map((c) => [c.key, entry(outputs.get(c.key)!)])) };
    const rows: Row[] = CASES.map((c) => {
      const o = outputs.get(c.key)!;
      return {
        item: c.label,
        value: `ratio ${entry(o).ratio.toFixed(2)}`,
        note: `p99 ratio ${entry(o).p99Ratio.toFixed(2)}; ${isolationNote(o)}`,
      };
    });
    return { result, rows };
  },
};
