import { describe, expect, it } from 'vitest';
import { rigAxis, rigDriver, rigSupervisor } from '../support/supervisor-rig.ts';
import type { AxisDriver, CallOptions } from '../../drivers/contract.ts';
import { DriveCommError } from '../../drivers/errors.ts';
import type { SimulatedDriver } from '../../drivers/simulated/simulated-driver.ts';
import { defaultBreakerOptions } from '../../src/breaker/options.ts';
import { withDeadline } from '../../src/common/deadline.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';

const PERIOD_MS = 10;
const TIMEOUT_MS = 20;
/** consecutiveFailures (3) cycles of max(period, deadline): src/supervisor/axis-actions.ts maxUnobservedMs. */
const MAX_UNOBSERVED_MS = defaultBreakerOptions.consecutiveFailures * Math.max(PERIOD_MS, TIMEOUT_MS);

/**
 * A simulated drive behind a bus that can be jammed with other traffic: while `busy`, status reads
 * fail as `refusal` says: 'bus_busy', waiting until their deadline, as a Modbus call that never got
 * the bus does; 'own_delay', the same, as one whose answer was due while the supervisor itself was
 * held up; 'cut_short', getting the bus 3 ms before their deadline, their exchange then cut short
 * by its own deadline watch (set after the axis's, due at the same instant) as our own delay. Holds
 * still get through (they jump the bus queue).
 */
type Refusal = 'bus_busy' | 'own_delay' | 'cut_short';

class CrowdedBus implements AxisDriver {
  readonly family = 'crowded';
  busy = false;
  readsRefused = 0;
  /** The next holds refused as `refusal` (after waiting out their deadline), as in a stall during the shutdown holds. */
  holdsToRefuse = 0;
  holdsTried = 0;

  constructor(
    private readonly inner: SimulatedDriver,
    private readonly clock: VirtualClock,
    private readonly refusal: Refusal,
  ) {}

  async readStatus(options: CallOptions) {
    if (!this.busy) return this.inner.readStatus(options);
    this.readsRefused++;
    return this.refuse(options);
  }

  /** Fails the call as `refusal` says, by its deadline. */
  private async refuse(options: CallOptions): Promise<never> {
    if (this.refusal !== 'cut_short') {
      await this.clock.sleep(options.deadlineMs - this.clock.now());
      throw new DriveCommError(this.refusal, `refused (${this.refusal})`);
    }
    await this.clock.sleep(options.deadlineMs - this.clock.now() - 3);
    const cutShort = () => new DriveCommError('own_delay', 'it had 7 ms less than its wire budget to answer');
    return withDeadline(this.clock, new Promise<never>(() => {}), options.deadlineMs, cutShort);
  }
  moveTo(...args: Parameters<AxisDriver['moveTo']>) {
    return this.inner.moveTo(...args);
  }
  async hold(options: CallOptions) {
    this.holdsTried++;
    if (this.holdsToRefuse === 0) return this.inner.hold(options);
    this.holdsToRefuse--;
    return this.refuse(options);
  }
  enable(options: CallOptions) {
    return this.inner.enable(options);
  }
  disable(options: CallOptions) {
    return this.inner.disable(options);
  }
  resetAlarm(options: CallOptions) {
    return this.inner.resetAlarm(options);
  }
  close() {
    return this.inner.close();
  }
}

function crowdedLine(refusal: Refusal = 'bus_busy') {
  const clock = new VirtualClock();
  const { drive, inner } = rigDriver(clock, 'a');
  const bus = new CrowdedBus(inner, clock, refusal);
  const { supervisor, events } = rigSupervisor({ clock, periodMs: PERIOD_MS, axes: [rigAxis('a', bus, { timeoutMs: TIMEOUT_MS })] });
  supervisor.start();
  const breaker = () => supervisor.axisDetail('a').breaker;
  return { clock, bus, drive, supervisor, events, breaker };
}

describe.each(['bus_busy', 'own_delay', 'cut_short'] as const)('a call that says nothing about the drive (%s)', (refusal) => {
  it('is not held against the drive while the axis has been watched recently', async () => {
    const { clock, bus, events, breaker } = crowdedLine(refusal);
    await clock.advanceTo(200);
    // Busy for less than the unobserved limit: more than consecutiveFailures refused reads, no trip.
    for (let burst = 0; burst < 5; burst++) {
      bus.busy = true;
      await clock.advanceBy(MAX_UNOBSERVED_MS - 2 * PERIOD_MS);
      bus.busy = false;
      await clock.advanceBy(50);
    }
    expect(bus.readsRefused).toBeGreaterThan(defaultBreakerOptions.consecutiveFailures);
    expect(events.filter((e) => e.type === 'trip')).toEqual([]);
    expect(breaker().state).toBe('closed');
    expect(breaker().counters.failures).toBe(0);
  });

  it('trips the axis (stale_sample) and holds it once it has gone unobserved for the limit', async () => {
    const { clock, bus, drive, events } = crowdedLine(refusal);
    await clock.advanceTo(200);
    const lastSampleAtMs = clock.now();
    bus.busy = true;
    await clock.advanceBy(MAX_UNOBSERVED_MS + 2 * TIMEOUT_MS);
    const trips = events.filter((e) => e.type === 'trip');
    expect(trips).toEqual([
      expect.objectContaining({
        axis: 'a',
        reason: 'stale_sample',
        detail: expect.stringMatching(/no status from the drive for \d+ ms \(limit 60 ms\)/),
      }),
    ]);
    // At the first refused call past the limit: within one deadline of it.
    expect(trips[0]!.atMs - lastSampleAtMs).toBeGreaterThanOrEqual(MAX_UNOBSERVED_MS);
    expect(trips[0]!.atMs - lastSampleAtMs).toBeLessThanOrEqual(MAX_UNOBSERVED_MS + TIMEOUT_MS);
    expect(events).toContainEqual(expect.objectContaining({ type: 'hold', axis: 'a', cause: 'trip', acknowledged: true }));
    expect(drive.peekStatus().holding).toBe(true);
  });
});

describe('a call that never got the bus (bus_busy)', () => {
  it('does not trip an axis not yet powered: its power-up waits for the bus, then runs', async () => {
    const { clock, bus, events, supervisor } = crowdedLine();
    bus.busy = true;
    await clock.advanceTo(MAX_UNOBSERVED_MS * 5);
    expect(events.filter((e) => e.type === 'trip')).toEqual([]);
    expect(supervisor.snapshot()[0]).toMatchObject({ state: 'Disabled' });
    bus.busy = false;
    await clock.advanceBy(200);
    expect(supervisor.snapshot()[0]).toMatchObject({ state: 'Standstill' });
  });

  it('neither passes nor fails a half-open probe, and the axis recovers once the bus is free', async () => {
    const { clock, bus, events, breaker } = crowdedLine();
    await clock.advanceTo(200);
    bus.busy = true;
    await clock.advanceBy(defaultBreakerOptions.cooldownMs * 4);
    const probeFailures = events.filter((e) => e.type === 'breaker' && e.reason === 'probe_failed');
    expect(probeFailures).toEqual([]);
    expect(breaker().state).toBe('half_open');
    bus.busy = false;
    await clock.advanceBy(defaultBreakerOptions.cooldownMs);
    expect(breaker().state).toBe('closed');
    expect(events).toContainEqual(expect.objectContaining({ type: 'resync', axis: 'a' }));
  });
});

describe.each(['bus_busy', 'own_delay'] as const)('the shutdown hold, refused for our own delay (%s)', (refusal) => {
  /** Stops the line with the next `refused` holds of axis a refused; its shutdown hold event and the tries made. */
  async function stopWithHoldsRefused(refused: number) {
    const { clock, bus, supervisor, events } = crowdedLine(refusal);
    await clock.advanceTo(200);
    bus.holdsToRefuse = refused;
    const triedBefore = bus.holdsTried;
    const stopped = supervisor.stop('test');
    await clock.runUntil(() => events.some((e) => e.type === 'stop'));
    await stopped;
    return { hold: events.find((e) => e.type === 'hold' && e.cause === 'shutdown'), tries: bus.holdsTried - triedBefore };
  }

  it("is not one of the drive's tries: refused more often than the breaker's tries, the hold still reaches the drive", async () => {
    const { hold, tries } = await stopWithHoldsRefused(defaultBreakerOptions.consecutiveFailures + 2);
    expect(hold).toMatchObject({ axis: 'a', acknowledged: true });
    expect(tries).toBe(defaultBreakerOptions.consecutiveFailures + 3);
  });

  it('gives up, bounded, when the bus never comes free, and says how many tries our delay took', async () => {
    const { hold, tries } = await stopWithHoldsRefused(1000);
    expect(hold).toMatchObject({
      acknowledged: false,
      detail: expect.stringMatching(/attempt 3 of 3, after 5 tries our own delay kept from the drive/),
    });
    expect(tries).toBe(defaultBreakerOptions.consecutiveFailures + 5);
  });
});
