import { circuitBreaker, ConsecutiveBreaker, handleAll, timeout, TimeoutStrategy, wrap } from 'cockatiel';
import CircuitBreaker from 'opossum';
import { AxisBreaker } from '../../src/breaker/axis-breaker.ts';
import { defaultBreakerOptions } from '../../src/breaker/options.ts';
import { RealClock } from '../../src/common/clock.ts';
import { withDeadline } from '../../src/common/deadline.ts';
import { BUILT_IN_AXIS_SETTINGS } from '../../src/config/defaults.ts';
import { guarded } from './guarded.ts';

/** A guarded call ready to be timed, and how to release what it holds (opossum's stats interval). */
export interface PeerCall {
  readonly call: () => Promise<number>;
  dispose(): void;
}

/** Per-call deadline of the `_deadline`/`_timeout` peers: the line's default. Every call answers at once, so none expires. */
const DEADLINE_MS = BUILT_IN_AXIS_SETTINGS.timeoutMs;

const free = (call: () => Promise<number>): PeerCall => ({ call, dispose: () => undefined });

const timedOut = (): Error => new Error(`no answer within ${DEADLINE_MS} ms`);

const axisBreaker = (): AxisBreaker => new AxisBreaker('bench', defaultBreakerOptions, new RealClock());

const opossum = (fn: () => Promise<number>, timeoutMs: number | false): PeerCall => {
  const breaker = new CircuitBreaker<[], number>(fn, { timeout: timeoutMs });
  return { call: () => breaker.fire(), dispose: () => breaker.shutdown() };
};

const cockatielBreaker = () => circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });

/** Every peer by name: each wraps `fn` the way its library is meant to be used. */
export const PEERS = {
  bare: (fn: () => Promise<number>) => free(fn),
  axisguard: (fn: () => Promise<number>) => free(guarded(axisBreaker(), fn)),
  opossum: (fn: () => Promise<number>) => opossum(fn, false),
  cockatiel: (fn: () => Promise<number>) => {
    const policy = cockatielBreaker();
    return free(() => policy.execute(fn));
  },
  /** withDeadline on a RealClock alone: a heap entry per call, one shared timer. */
  deadline_only: (fn: () => Promise<number>) => {
    const clock = new RealClock();
    return free(() => withDeadline(clock, fn(), clock.now() + DEADLINE_MS, timedOut));
  },
  axisguard_deadline: (fn: () => Promise<number>) => {
    const clock = new RealClock();
    return free(guarded(axisBreaker(), () => withDeadline(clock, fn(), clock.now() + DEADLINE_MS, timedOut)));
  },
  opossum_timeout: (fn: () => Promise<number>) => opossum(fn, DEADLINE_MS),
  cockatiel_timeout: (fn: () => Promise<number>) => {
    const policy = wrap(timeout(DEADLINE_MS, TimeoutStrategy.Aggressive), cockatielBreaker());
    return free(() => policy.execute(fn));
  },
} satisfies Record<string, (fn: () => Promise<number>) => PeerCall>;

export type PeerName = keyof typeof PEERS;

export const isPeerName = (name: string): name is PeerName => Object.hasOwn(PEERS, name);
