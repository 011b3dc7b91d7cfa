import { runChild } from '../child.ts';
import { LINE_SETTINGS } from '../children/line-yaml.ts';
import { PTY_BUS, TRIP_RULE, type TripOutput } from '../children/trip-to-hold-trial.ts';
import type { Figure, Row } from '../figure.ts';
import { round, spread } from '../stats.ts';

const VIRTUAL_TRIALS = 200;
/** Each pty trial takes ~0.7 s of wall time (power-up, a 0–1 s wait for the fault, the trip). */
const PTY_TRIALS = 50;
const FAULTS = [
  { kind: 'jam', seed: 1 },
  { kind: 'silent', seed: 2 },
] as const;
/** Each run of the trial: its key in results.json, its label in the table, its child script and trial count. */
const MODES = [
  { key: 'virtual', label: 'virtual', script: 'trip-to-hold.ts', trials: VIRTUAL_TRIALS },
  { key: 'pty', label: 'pty', script: 'trip-to-hold-pty.ts', trials: PTY_TRIALS },
] as const;

type Spread = ReturnType<typeof spread>;
const ms = (s: Spread) => `${s.p50.toFixed(1)} / ${s.p99.toFixed(1)} / ${s.max.toFixed(1)} ms`;
const rounded = (s: Spread) => ({ p50: round(s.p50), p99: round(s.p99), max: round(s.max) });

/** One fault kind's results as results.json keeps them, and its rows. */
function report(label: string, out: TripOutput): { result: object; rows: Row[] } {
  const injectToHold = spread(out.injectToHold);
  const injectToDetectable = spread(out.injectToDetectable);
  const detectableToHold = spread(out.detectableToHold);
  const firstMissToHold = out.firstMissToHold && spread(out.firstMissToHold);
  const tripToHold = spread(out.tripToHold);
  const result = {
    trials: out.trials,
    missed: out.missed,
    disturbed: out.disturbed,
    ...(out.kind === 'jam' ? { windowMm: out.windowMm } : {}),
    injectToHold: rounded(injectToHold),
    injectToDetectable: rounded(injectToDetectable),
    detectableToHold: rounded(detectableToHold),
    tripToHold: rounded(tripToHold),
    ...(firstMissToHold ? { firstMissToHold: rounded(firstMissToHold) } : {}),
  };
  const rows: Row[] = [
    {
      item: `${label} ${out.kind}: detectable → hold`,
      value: ms(detectableToHold),
      note: `injection → detectable ${ms(injectToDetectable)}, → hold ${ms(injectToHold)}; ${out.trials - out.missed - out.disturbed}/${out.trials} held${out.disturbed > 0 ? `, ${out.disturbed} disturbed` : ''}`,
    },
    {
      item: `${label} ${out.kind}: trip decided → hold`,
      value: ms(tripToHold),
      note: "the supervisor's own part, once the sample or missed deadline that trips is in hand",
    },
  ];
  if (firstMissToHold)
    rows.push({
      item: `${label} silent: 1st miss → hold`,
      value: ms(firstMissToHold),
      note: `the breaker opens only at miss ${LINE_SETTINGS.breaker.consecutiveFailures}, by design`,
    });
  return { result, rows };
}

export const tripToHold: Figure = {
  key: 'trip_to_hold_ms',
  glossary: {
    p50: 'detectable → hold request written to the port, ms, median over every measured pty trial of both faults (real time; missed and disturbed trials have no latency)',
    p99: 'detectable → hold request written to the port, ms, 99th percentile (nearest rank) over every measured pty trial of both faults (real time)',
    followingErrorTimeMs: 'following error must stay outside its window this long to trip, ms',
    consecutiveFailures: 'missed deadlines in a row that open the breaker',
    'virtual.timeoutMs': 'deadline of each driver call in the virtual line, ms',
    'pty.timeoutMs': 'deadline of each driver call on the pty line, ms',
    'pty.baudRate': 'baud rate of the pty line (8E1), wire time modelled by the simulator',
    'pty.slackMs': 'answer slack of the RTU master: a request is given up this long after its wire time, ms',
    '*.*.trials': 'trials of this fault kind',
    '*.*.missed': 'trials in which the hold never went out (or the fault never became detectable)',
    '*.*.disturbed':
      'trials not measured: something besides the fault acted on the breaker or the bus (comm failures under CPU load), or the move never got under way',
    '*.jam.windowMm': 'following-error window at the fault, mm',
    '*.*.injectToDetectable.p50/p99/max': 'fault injected → trip condition met (detectable), ms: p50 / p99 / max',
    'virtual.*.injectToHold.p50/p99/max': 'fault injected → hold request at the simulated drive, ms: p50 / p99 / max',
    'virtual.*.detectableToHold.p50/p99/max': 'detectable → hold request at the simulated drive, ms: p50 / p99 / max',
    'virtual.silent.firstMissToHold.p50/p99/max':
      'deadline of the first missed request → hold request at the simulated drive, ms: p50 / p99 / max',
    'pty.*.injectToHold.p50/p99/max': 'fault injected → hold request written to the port, ms: p50 / p99 / max',
    'pty.*.detectableToHold.p50/p99/max': 'detectable → hold request written to the port, ms: p50 / p99 / max',
    '*.*.tripToHold.p50/p99/max':
      'the trip event (the supervisor has the sample or missed deadline that trips) → hold request, ms: p50 / p99 / max; the rest of detectable → hold is the wait for the next sample and its way back',
    'pty.silent.firstMissToHold.p50/p99/max':
      'deadline of the first missed request → hold request written to the port, ms: p50 / p99 / max',
  },
  title: 'Fault to hold: detectable → hold request, real time over a pty (and virtual time)',
  timed: true,
  method:
    `Each trial is a fresh one-axis line (${LINE_SETTINGS.periodMs} ms cycle; following-error window ${TRIP_RULE.windowMm} mm at 300 mm/s, timeMs ${LINE_SETTINGS.followingError.timeMs}; ` +
    `the breaker opens after ${LINE_SETTINGS.breaker.consecutiveFailures} missed deadlines in a row) that powers up at 100 mm and runs a 400 mm move at 300 mm/s; ` +
    'a jam or silent fault comes a seeded random 0–1000 ms after the move command reached the drive. ' +
    'Detectable is the instant the trip condition is met: jam, the following error has been outside its window for timeMs (the crossing interpolated between the drive samples around it); ' +
    `silent, the deadline of the Nth missed request in a row, N = consecutiveFailures = ${LINE_SETTINGS.breaker.consecutiveFailures} (the breaker waits for N misses by design, so one lost frame does not stop a machine; firstMissToHold counts from the first of them). ` +
    `virtual: ${VIRTUAL_TRIALS} trials per fault in virtual time, in-process simulated drive (1 ms answer latency), ${LINE_SETTINGS.timeoutMs} ms call deadline; ` +
    `there is no wire, so a request reaches the drive the instant it is sent, a missed one is due ${LINE_SETTINGS.timeoutMs} ms later, and the hold counts when it reaches the drive. ` +
    `pty: ${PTY_TRIALS} trials per fault in real time (monotonic clock, a fresh pty pair per trial, the same seeded delays as the first virtual trials): ` +
    'the supervisor, the Modbus driver and our RTU master on one end of a socat pty pair, the simulator as RTU slave on the other ' +
    `(kpower-generic, ${PTY_BUS.baudRate} baud 8E1 with wire time modelled, 1 ms answer latency), ${PTY_BUS.timeoutMs} ms call deadline (a moveTo is four exchanges) and ${PTY_BUS.slackMs} ms answer slack; ` +
    'the hold counts when our master hands the hold request (control-word write with the hold bit) to the serial port (RtuMaster.onExchange sentAtMs); ' +
    `a missed request is due when the master gives up on it (its wire time + ${PTY_BUS.slackMs} ms after it was sent, inside the call deadline); ` +
    "jam samples are the simulator's, taken when a status read arrives, so jam detectable → hold also includes the wait for the next sample and that answer's way back (wire time modelled); " +
    "tripToHold is the supervisor's own part, from the trip event (the sample or missed deadline in hand) to the hold. " +
    'A trial in which something besides the fault acted on the breaker or the bus (comm failures when the CPU is starved and socat stalls: a trip before the fault, a first trip after it for another reason, ' +
    'a missed request the fault does not explain: jam, any miss between fault and hold; silent, a miss just before the fault, which the breaker counts into its run), or whose move never got under way, is counted as disturbed, not measured. ' +
    'The top-level p50 and p99 are detectable → hold over every pty trial, jam and silent together; the target is a p99 within one poll period. ' +
    'The figure is timed: both modes run alone, one child process after the other.',
  async measure(progress) {
    const { periodMs, timeoutMs, followingError, breaker } = LINE_SETTINGS;
    const modeRows: Row[] = [];
    const modes: Record<string, Record<string, unknown>> = {
      virtual: { timeoutMs },
      pty: { timeoutMs: PTY_BUS.timeoutMs, baudRate: PTY_BUS.baudRate, slackMs: PTY_BUS.slackMs },
    };
    const ptyDetectableToHold: number[] = [];
    for (const mode of MODES) {
      for (const { kind, seed } of FAULTS) {
        progress(`${mode.key} ${kind}`);
        const out = await runChild<TripOutput>(mode.script, [kind, mode.trials, seed]);
        const reported = report(mode.label, out);
        modes[mode.key]![kind] = reported.result;
        modeRows.push(...reported.rows);
        if (mode.key === 'pty') ptyDetectableToHold.push(...out.detectableToHold);
      }
    }
    const pty = spread(ptyDetectableToHold);
    const result = {
      p50: round(pty.p50),
      p99: round(pty.p99),
      periodMs,
      followingErrorTimeMs: followingError.timeMs,
      consecutiveFailures: breaker.consecutiveFailures,
      ...modes,
    };
    const rows: Row[] = [
      {
        item: 'pty, all faults: detectable → hold',
        value: `${pty.p50.toFixed(1)} / ${pty.p99.toFixed(1)} ms`,
        note: `p50 / p99 over ${ptyDetectableToHold.length} trials (the top-level p50, p99); target p99 <= ${periodMs} ms (one poll period)`,
      },
      ...modeRows,
      {
        item: 'poll period / deadline',
        value: `${periodMs} / ${timeoutMs} ms`,
        note: `pty deadline ${PTY_BUS.timeoutMs} ms; following error timeMs ${followingError.timeMs}, breaker opens after ${breaker.consecutiveFailures} misses`,
      },
    ];
    return { result, rows };
  },
};
