import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Disposable } from '../../src/common/disposable.ts';
import { isBreakerIsolatedError } from '../../src/breaker/errors.ts';
import { defaultBreakerOptions } from '../../src/breaker/options.ts';
import { breakerHarness } from './harness.ts';

type Op =
  | { readonly op: 'success' }
  | { readonly op: 'failure' }
  | { readonly op: 'trip'; readonly reason: 'following_error' | 'alarm' | 'port_lost' }
  | { readonly op: 'advance'; readonly ms: number }
  | { readonly op: 'beginProbe' }
  | { readonly op: 'probeResult'; readonly ok: boolean }
  | { readonly op: 'probe'; readonly ok: boolean }
  | { readonly op: 'isolate' }
  | { readonly op: 'dispose'; readonly pick: number }
  | { readonly op: 'reset' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.constant({ op: 'success' } as const), weight: 3 },
  { arbitrary: fc.constant({ op: 'failure' } as const), weight: 3 },
  fc.record({
    op: fc.constant('trip' as const),
    reason: fc.constantFrom('following_error', 'alarm', 'port_lost') as fc.Arbitrary<'following_error' | 'alarm' | 'port_lost'>,
  }),
  { arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 12_000 }) }), weight: 3 },
  { arbitrary: fc.constant({ op: 'beginProbe' } as const), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('probeResult' as const), ok: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('probe' as const), ok: fc.oneof(fc.constant(true), fc.boolean()) }), weight: 6 },
  fc.constant({ op: 'isolate' } as const),
  { arbitrary: fc.record({ op: fc.constant('dispose' as const), pick: fc.nat() }), weight: 2 },
  fc.constant({ op: 'reset' } as const),
);

describe('AxisBreaker under random operation sequences', () => {
  it('keeps motion, isolation and the event chain consistent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 100, size: 'max' }), async (ops) => {
        const { clock, breaker, events } = breakerHarness();
        const holds: Disposable[] = [];
        const { probesToClose, cooldownMs, maxCooldownMs } = defaultBreakerOptions;
        let probeAllowedAtMs = Number.POSITIVE_INFINITY;
        let goodProbes = 0; // accepted good probes since the last half-open entry
        let probeInFlight = false;

        /** tryBeginProbe, checked against the model: open needs the cooldown over, half-open a free slot. */
        const beginProbe = (): boolean => {
          const before = breaker.state;
          const allowed = breaker.tryBeginProbe();
          if (before === 'open') expect(allowed).toBe(holds.length === 0 && clock.now() >= probeAllowedAtMs);
          else if (before === 'half_open') expect(allowed).toBe(!probeInFlight);
          else expect(allowed).toBe(false);
          if (allowed) probeInFlight = true;
          if (allowed && before === 'open') goodProbes = 0;
          return allowed;
        };

        /** recordProbe, checked: taken only for the probe in flight, ignored as late otherwise. */
        const recordProbe = (ok: boolean): void => {
          const expectedTaken = breaker.state === 'half_open' && probeInFlight;
          const lateBefore = breaker.counters.lateResults;
          breaker.recordProbe(ok, 'random');
          expect(breaker.counters.lateResults === lateBefore).toBe(expectedTaken);
          if (expectedTaken) {
            probeInFlight = false;
            if (ok) goodProbes++;
          }
        };

        for (const step of ops) {
          const eventsBefore = events.length;
          switch (step.op) {
            case 'success':
              breaker.recordSuccess();
              break;
            case 'failure':
              breaker.recordFailure('timeout');
              break;
            case 'trip':
              breaker.trip(step.reason, 'random');
              break;
            case 'advance':
              await clock.advanceBy(step.ms);
              break;
            case 'beginProbe':
              beginProbe();
              break;
            case 'probeResult':
              recordProbe(step.ok);
              break;
            case 'probe':
              if (beginProbe()) recordProbe(step.ok);
              break;
            case 'isolate':
              holds.push(breaker.isolate(`holder ${holds.length}`));
              break;
            case 'dispose':
              if (holds.length > 0) holds.splice(step.pick % holds.length, 1)[0]!.dispose();
              break;
            case 'reset': {
              let refused = false;
              try {
                breaker.reset('operator');
              } catch (error) {
                expect(isBreakerIsolatedError(error)).toBe(true);
                refused = true;
              }
              expect(refused).toBe(holds.length > 0);
              break;
            }
          }

          expect(breaker.allowsMotion()).toBe(breaker.state === 'closed');
          expect(breaker.isolatedBy).toHaveLength(holds.length);
          if (holds.length > 0) expect(breaker.state).toBe('open');
          const next = breaker.nextProbeAtMs();
          if (breaker.state === 'open' && holds.length === 0) {
            expect(next).toBeDefined();
            const cooldown = next! - (events.at(-1)?.atMs ?? 0);
            expect(cooldown).toBeGreaterThanOrEqual(cooldownMs);
            expect(cooldown).toBeLessThanOrEqual(maxCooldownMs);
          } else {
            expect(next).toBeUndefined();
          }
          probeAllowedAtMs = next ?? Number.POSITIVE_INFINITY;
          if (breaker.state !== 'half_open') probeInFlight = false;
          // One transition per call at most; closing on probes takes exactly probesToClose good ones.
          const newEvents = events.slice(eventsBefore);
          expect(newEvents.length).toBeLessThanOrEqual(step.op === 'probe' ? 2 : 1);
          if (newEvents.some((e) => e.reason === 'probes_passed')) expect(goodProbes).toBe(probesToClose);
        }

        let previous: string = 'closed';
        for (const event of events) {
          expect(event.from).toBe(previous);
          expect(event.axis).toBe('X');
          expect(typeof event.reason).toBe('string');
          if (event.from === event.to) expect(['isolated', 'isolation_released']).toContain(event.reason);
          if (event.to === 'half_open') expect(event.reason).toBe('cooldown_elapsed');
          if (event.to === 'closed') expect(['probes_passed', 'manual_reset']).toContain(event.reason);
          previous = event.to;
        }
        expect(previous).toBe(breaker.state);
        for (const hold of holds) hold.dispose();
        expect(breaker.isolatedBy).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('backs off as cooldownMs · backoffFactor^n, capped, for any run of failed probes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2_000 }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.integer({ min: 1, max: 12 }),
        async (cooldownMs, backoffFactor, extraCapMs, failedProbes) => {
          const maxCooldownMs = cooldownMs + extraCapMs;
          const { clock, breaker } = breakerHarness({ cooldownMs, backoffFactor, maxCooldownMs });
          breaker.trip('alarm', 'E1');
          for (let n = 0; n <= failedProbes; n++) {
            const cooldown = breaker.nextProbeAtMs()! - clock.now();
            expect(cooldown).toBeCloseTo(Math.min(cooldownMs * backoffFactor ** n, maxCooldownMs), 6);
            await clock.advanceBy(cooldown);
            expect(breaker.tryBeginProbe()).toBe(true);
            breaker.recordProbe(false, 'no answer');
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
