import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { AxisBreaker } from '../../src/breaker/axis-breaker.ts';
import { defaultBreakerOptions, type BreakerOptions } from '../../src/breaker/options.ts';
import type { BreakerTransition } from '../../src/breaker/transition.ts';

/** A breaker on axis "X" with a virtual clock at 0 and every transition recorded. */
export function breakerHarness(overrides: Partial<BreakerOptions> = {}) {
  const clock = new VirtualClock();
  const breaker = new AxisBreaker('X', { ...defaultBreakerOptions, ...overrides }, clock);
  const events: BreakerTransition[] = [];
  breaker.onTransition((event) => events.push(event));
  return { clock, breaker, events };
}

/** Records `n` failures. */
export function fail(breaker: AxisBreaker, n: number, detail = 'timeout'): void {
  for (let i = 0; i < n; i++) breaker.recordFailure(detail);
}

/** Starts and passes `n` probes (the first one moves open → half_open if the cooldown is over). */
export function passProbes(breaker: AxisBreaker, n: number): void {
  for (let i = 0; i < n; i++) {
    if (!breaker.tryBeginProbe()) throw new Error(`probe ${i} refused in state ${breaker.state}`);
    breaker.recordProbe(true, 'status ok');
  }
}
