import { runChild } from '../child.ts';
import type { PeerName } from '../children/breaker-peers.ts';
import { BUILT_IN_AXIS_SETTINGS } from '../../src/config/defaults.ts';
import type { Figure, Measured, Row } from '../figure.ts';
import { median, round } from '../stats.ts';

const ROUNDS = 5;

/** One peer in a figure: the child's peer name, its key in results.json and how many calls it times. */
interface PeerPlan {
  readonly peer: PeerName;
  readonly key: string;
  readonly calls: number;
}

interface LoopOutput {
  readonly nsPerCall: number;
}

/**
 * Runs every peer once per round, each in a fresh process, the order rotated every round so that no
 * peer always runs first or last. Returns each key's ns/call, one per round.
 */
async function measurePeers(plans: readonly PeerPlan[], progress: (step: string) => void): Promise<Map<string, number[]>> {
  const runs = new Map<string, number[]>(plans.map((p) => [p.key, []]));
  for (let r = 0; r < ROUNDS; r++) {
    progress(`round ${r + 1}/${ROUNDS}`);
    for (let i = 0; i < plans.length; i++) {
      const plan = plans[(i + r) % plans.length]!;
      const out = await runChild<LoopOutput>('breaker-loop.ts', [plan.peer, plan.calls, plan.calls / 10]);
      runs.get(plan.key)!.push(out.nsPerCall);
    }
  }
  return runs;
}

/** Median over the rounds of `a / b` taken within each round: both ran minutes apart at most. */
const sameRoundRatio = (runs: Map<string, number[]>, a: string, b: string): number =>
  median(runs.get(a)!.map((ns, r) => ns / runs.get(b)![r]!));

/** 1e6 for 1000000. */
const sci = (n: number) => n.toExponential(0).replace('+', '');

const ns = (value: number) => `${Math.round(value).toLocaleString('en-US')} ns`;

const signedNs = (value: number) => `${value >= 0 ? '+' : '−'}${ns(Math.abs(value))}`;

/** The figure's JSON and rows: per-key medians, the axisguard ratios, calls and every run. */
function report(plans: readonly PeerPlan[], runs: Map<string, number[]>, against: readonly string[], baseline?: string): Measured {
  const medians = Object.fromEntries(plans.map((p) => [p.key, round(median(runs.get(p.key)!))]));
  const ratios = Object.fromEntries(against.map((peer) => [`axisguard_over_${peer}`, round(sameRoundRatio(runs, 'axisguard', peer), 3)]));
  const base = baseline === undefined ? undefined : medians[baseline]!;
  const rows: Row[] = plans.map((p) => ({
    item: p.key,
    value: ns(medians[p.key]!),
    note: [`${sci(p.calls)} calls`, base !== undefined && p.key !== baseline ? `${signedNs(medians[p.key]! - base)} over ${baseline}` : '']
      .filter(Boolean)
      .join(', '),
  }));
  for (const peer of against) {
    rows.push({
      item: `axisguard / ${peer}`,
      value: `${ratios[`axisguard_over_${peer}`]!.toFixed(2)}×`,
      note: `median of ${ROUNDS} same-round ratios`,
    });
  }
  const calls = Object.fromEntries(plans.map((p) => [p.key, p.calls]));
  const rounded = Object.fromEntries([...runs].map(([key, values]) => [key, values.map((v) => round(v))]));
  return { result: { ...medians, ratios, calls, runs: rounded }, rows };
}

const PLAIN: readonly PeerPlan[] = [
  { peer: 'bare', key: 'bare', calls: 1e6 },
  { peer: 'axisguard', key: 'axisguard', calls: 1e6 },
  { peer: 'opossum', key: 'opossum', calls: 1e6 },
  { peer: 'cockatiel', key: 'cockatiel', calls: 1e6 },
];

/** The deadline the `_deadline`/`_timeout` peers give each call (bench/children/breaker-peers.ts). */
const DEADLINE_MS = BUILT_IN_AXIS_SETTINGS.timeoutMs;

const WITH_DEADLINE: readonly PeerPlan[] = [
  { peer: 'deadline_only', key: 'deadline_only', calls: 1e6 },
  { peer: 'axisguard_deadline', key: 'axisguard', calls: 1e6 },
  { peer: 'opossum_timeout', key: 'opossum_timeout', calls: 1e6 },
  // About 20 µs a call (an AbortController and a timer each): fewer calls keep the run short.
  { peer: 'cockatiel_timeout', key: 'cockatiel_timeout', calls: 5e4 },
];

export const breakerCost: Figure = {
  key: 'breaker_ns_per_call',
  glossary: {
    bare: 'ns per call of fn() alone, median of rounds',
    axisguard: 'ns per call through an AxisBreaker, median of rounds',
    opossum: 'ns per call through opossum, median of rounds',
    cockatiel: 'ns per call through cockatiel, median of rounds',
    'calls.*': 'timed calls per process for that peer',
    'runs.*': 'ns per call in each round, round order',
    'ratios.*': 'median over rounds of the same-round ratio of the two peers (below 1: axisguard cheaper)',
  },
  title: 'Breaker cost per call',
  timed: true,
  method:
    `\`async () => 42\` awaited sequentially through each peer, ${sci(PLAIN[0]!.calls)} timed calls after a 10 % warm-up, ` +
    `in a fresh process per peer and round; ${ROUNDS} rounds with the peer order rotated; median per peer. ` +
    'axisguard: allowsMotion(), await, recordSuccess() on an AxisBreaker (bench/children/guarded.ts). ' +
    'opossum: new CircuitBreaker(fn, { timeout: false }).fire(). cockatiel: circuitBreaker(handleAll, { halfOpenAfter, breaker: new ConsecutiveBreaker(5) }).execute(). bare: fn() alone.',
  measure: async (progress) => report(PLAIN, await measurePeers(PLAIN, progress), ['opossum', 'cockatiel'], 'bare'),
};

export const breakerWithDeadlineCost: Figure = {
  key: 'breaker_with_deadline_ns_per_call',
  glossary: {
    deadline_only: 'ns per call of withDeadline() alone, median of rounds',
    axisguard: 'ns per call through an AxisBreaker with withDeadline(), median of rounds',
    opossum_timeout: `ns per call through opossum with timeout: ${DEADLINE_MS}, median of rounds`,
    cockatiel_timeout: 'ns per call through cockatiel breaker + aggressive timeout, median of rounds',
    'calls.*': 'timed calls per process for that peer',
    'runs.*': 'ns per call in each round, round order',
    'ratios.*': 'median over rounds of the same-round ratio of the two peers (below 1: axisguard cheaper)',
  },
  title: 'Breaker plus per-call deadline, cost per call',
  timed: true,
  method:
    `As above, each call with a ${DEADLINE_MS} ms deadline (the line's default) that never expires, since every call answers at once. ` +
    'axisguard: the same guarded call around withDeadline() on a RealClock, where all deadlines share one timer set for the earliest of them. ' +
    `opossum: timeout: ${DEADLINE_MS} (a timer per call). cockatiel: wrap(timeout(${DEADLINE_MS}, TimeoutStrategy.Aggressive), breaker) (a timer and an AbortController per call). ` +
    `deadline_only: withDeadline() alone, no breaker. Calls per peer: ${WITH_DEADLINE.map((p) => `${p.key} ${sci(p.calls)}`).join(', ')}.`,
  measure: async (progress) =>
    report(WITH_DEADLINE, await measurePeers(WITH_DEADLINE, progress), ['opossum_timeout', 'cockatiel_timeout'], 'deadline_only'),
};
