import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { AxisBreaker } from '../../src/breaker/axis-breaker.ts';
import { BreakerOpenError, isBreakerIsolatedError, isBreakerOpenError } from '../../src/breaker/errors.ts';
import { defaultBreakerOptions } from '../../src/breaker/options.ts';
import { breakerHarness, fail, passProbes } from './harness.ts';

describe('AxisBreaker while closed', () => {
  it('starts closed and allows motion', () => {
    const { breaker, events } = breakerHarness();
    expect(breaker.state).toBe('closed');
    expect(breaker.allowsMotion()).toBe(true);
    expect(breaker.nextProbeAtMs()).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('opens after three consecutive failures, and names each of them with its time', async () => {
    const { clock, breaker, events } = breakerHarness();
    await clock.advanceTo(20);
    fail(breaker, 1, 'bad CRC');
    await clock.advanceTo(30);
    fail(breaker, 1);
    await clock.advanceTo(40);
    expect(breaker.state).toBe('closed');
    expect(breaker.tripDetail).toBeUndefined();
    // The failure that opens it says so: the caller runs the trip reaction.
    expect(breaker.recordFailure('deadline missed')).toBe('consecutive_failures');
    expect(breaker.state).toBe('open');
    expect(breaker.allowsMotion()).toBe(false);
    const detail = '3 failed calls in a row: at 20 ms: bad CRC; at 30 ms: timeout; at 40 ms: deadline missed';
    expect(events).toEqual([{ axis: 'X', from: 'closed', to: 'open', atMs: 40, reason: 'consecutive_failures', detail }]);
    expect(breaker.tripDetail).toBe(detail);
    expect(breaker.tripRowAtMs).toEqual([20, 30, 40]);
  });

  it('names the last five failures of a longer row, each cut to 200 characters, and forgets the row once closed again', async () => {
    const { clock, breaker } = breakerHarness({ consecutiveFailures: 7 });
    for (let i = 1; i <= 7; i++) {
      await clock.advanceTo(i * 10);
      breaker.recordFailure(i === 7 ? 'x'.repeat(300) : `failure ${i}`);
    }
    expect(breaker.tripDetail).toBe(
      `7 failed calls in a row, the last 5: at 30 ms: failure 3; at 40 ms: failure 4; at 50 ms: failure 5; at 60 ms: failure 6; at 70 ms: ${'x'.repeat(200)}...`,
    );
    expect(breaker.tripRowAtMs).toEqual([30, 40, 50, 60, 70]);
    breaker.reset('technician');
    expect(breaker.tripDetail).toBeUndefined();
    expect(breaker.tripRowAtMs).toBeUndefined();
    fail(breaker, 6);
    expect(breaker.state).toBe('closed');
  });

  it('restarts the consecutive count after a success', () => {
    const { breaker } = breakerHarness();
    fail(breaker, 2);
    breaker.recordSuccess();
    fail(breaker, 2);
    expect(breaker.state).toBe('closed');
  });

  it('opens on the failure ratio once the window holds minimumCalls', () => {
    const { breaker, events } = breakerHarness();
    // F F S repeated: never three in a row, two thirds failed.
    for (let i = 0; i < 3; i++) {
      fail(breaker, 2);
      breaker.recordSuccess();
    }
    expect(breaker.state).toBe('closed'); // 9 calls: below minimumCalls
    expect(breaker.recordFailure('crc')).toBe('failure_ratio');
    expect(breaker.state).toBe('open');
    expect(events.map((e) => e.reason)).toEqual(['failure_ratio']);
    // Only a row trip has a row to time.
    expect(breaker.tripRowAtMs).toBeUndefined();
  });

  it('judges the ratio at the threshold itself (>=)', () => {
    const { breaker } = breakerHarness();
    for (let i = 0; i < 4; i++) {
      breaker.recordSuccess();
      breaker.recordFailure('crc');
    }
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed'); // 9 calls
    breaker.recordFailure('crc'); // 10 calls, 5 failed
    expect(breaker.state).toBe('open');
  });

  it('forgets failures that slid out of the window', () => {
    const { breaker } = breakerHarness({ failureRatio: { threshold: 0.5, windowSize: 4, minimumCalls: 4 } });
    fail(breaker, 2);
    for (let i = 0; i < 4; i++) breaker.recordSuccess();
    breaker.recordFailure('crc'); // window S S S F: 1/4
    expect(breaker.state).toBe('closed');
    breaker.recordSuccess();
    breaker.recordFailure('crc'); // window S F S F: 2/4
    expect(breaker.state).toBe('open');
  });

  it('trips at once on following error, alarm and lost port', () => {
    for (const reason of ['following_error', 'alarm', 'port_lost'] as const) {
      const { breaker, events } = breakerHarness();
      expect(breaker.trip(reason, 'seen')).toBe(true);
      expect(breaker.state).toBe('open');
      expect(events).toEqual([{ axis: 'X', from: 'closed', to: 'open', atMs: 0, reason, detail: 'seen' }]);
      expect(breaker.counters.trips[reason]).toBe(1);
    }
  });
});

describe('AxisBreaker recovery', () => {
  it('refuses a probe until the cooldown has elapsed, then goes half-open', async () => {
    const { clock, breaker, events } = breakerHarness();
    await clock.advanceTo(100);
    breaker.trip('alarm', 'E21');
    expect(breaker.nextProbeAtMs()).toBe(600);
    await clock.advanceTo(599);
    expect(breaker.tryBeginProbe()).toBe(false);
    expect(breaker.state).toBe('open');
    await clock.advanceTo(600);
    expect(breaker.tryBeginProbe()).toBe(true);
    expect(breaker.state).toBe('half_open');
    expect(breaker.allowsMotion()).toBe(false);
    expect(breaker.nextProbeAtMs()).toBeUndefined();
    expect(events.at(-1)).toEqual({ axis: 'X', from: 'open', to: 'half_open', atMs: 600, reason: 'cooldown_elapsed', detail: undefined });
  });

  it('allows one probe at a time in half-open', async () => {
    const { clock, breaker } = breakerHarness();
    breaker.trip('alarm', 'E21');
    await clock.advanceBy(500);
    expect(breaker.tryBeginProbe()).toBe(true);
    expect(breaker.tryBeginProbe()).toBe(false);
    breaker.recordProbe(true, 'ok');
    expect(breaker.tryBeginProbe()).toBe(true);
  });

  it('closes after three good probes in a row', async () => {
    const { clock, breaker, events } = breakerHarness();
    breaker.trip('port_lost', 'ttyUSB0 gone');
    await clock.advanceBy(500);
    passProbes(breaker, 2);
    expect(breaker.state).toBe('half_open');
    passProbes(breaker, 1);
    expect(breaker.state).toBe('closed');
    expect(breaker.allowsMotion()).toBe(true);
    expect(events.map((e) => `${e.from}->${e.to}:${e.reason}`)).toEqual([
      'closed->open:port_lost',
      'open->half_open:cooldown_elapsed',
      'half_open->closed:probes_passed',
    ]);
  });

  it('tells why it left closed until it closes again, a failed probe keeping the first reason', async () => {
    const { clock, breaker } = breakerHarness();
    expect(breaker.tripReason).toBeUndefined();
    fail(breaker, 3);
    expect(breaker.tripReason).toBe('consecutive_failures');
    await clock.advanceBy(breaker.nextProbeAtMs()! - clock.now());
    expect(breaker.tryBeginProbe()).toBe(true);
    breaker.recordProbe(false, 'no answer');
    expect(breaker.tripReason).toBe('consecutive_failures');
    await clock.advanceBy(breaker.nextProbeAtMs()! - clock.now());
    passProbes(breaker, 3);
    expect(breaker.state).toBe('closed');
    expect(breaker.tripReason).toBeUndefined();
    breaker.trip('following_error', 'window exceeded');
    expect(breaker.tripReason).toBe('following_error');
  });

  it('backs the cooldown off on each failed probe, up to the cap', async () => {
    const { clock, breaker, events } = breakerHarness();
    fail(breaker, 3);
    const cooldowns: number[] = [];
    for (let i = 0; i < 8; i++) {
      const cooldown = breaker.nextProbeAtMs()! - clock.now();
      cooldowns.push(cooldown);
      await clock.advanceBy(cooldown);
      expect(breaker.tryBeginProbe()).toBe(true);
      breaker.recordProbe(false, 'no answer');
    }
    expect(cooldowns).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
    expect(events.filter((e) => e.reason === 'probe_failed')).toHaveLength(8);
    expect(events.filter((e) => e.reason === 'probe_failed').every((e) => e.from === 'half_open' && e.to === 'open')).toBe(true);
  });

  it('lets an abandoned probe (it never reached the drive) change nothing but free the next probe', async () => {
    const { clock, breaker, events } = breakerHarness();
    fail(breaker, 3);
    await clock.advanceBy(500);
    expect(breaker.tryBeginProbe()).toBe(true);
    expect(breaker.tryBeginProbe()).toBe(false);
    breaker.abandonProbe();
    expect(breaker.state).toBe('half_open');
    expect(breaker.tryBeginProbe()).toBe(true);
    breaker.recordProbe(true, 'status ok');
    passProbes(breaker, 2);
    expect(breaker.state).toBe('closed');
    expect(events.filter((e) => e.reason === 'probe_failed')).toEqual([]);
    breaker.abandonProbe();
    expect(breaker.counters.lateResults).toBe(1);
  });

  it('ends a cooldown at once on request, keeping the backoff for the probes after it', async () => {
    const { clock, breaker } = breakerHarness();
    breaker.trip('port_lost', 'port gone');
    for (let i = 0; i < 3; i++) {
      await clock.advanceTo(breaker.nextProbeAtMs()!);
      breaker.tryBeginProbe();
      breaker.recordProbe(false, 'port gone');
    }
    expect(breaker.nextProbeAtMs()! - clock.now()).toBe(4000);
    await clock.advanceBy(100);
    expect(breaker.tryBeginProbe()).toBe(false);
    breaker.endCooldown();
    expect(breaker.nextProbeAtMs()).toBe(clock.now());
    expect(breaker.tryBeginProbe()).toBe(true);
    breaker.recordProbe(false, 'still gone');
    expect(breaker.nextProbeAtMs()! - clock.now()).toBe(8000);
  });

  it('leaves closed, half-open and isolated breakers as they are when asked to end a cooldown', async () => {
    const { clock, breaker, events } = breakerHarness();
    breaker.endCooldown();
    expect(breaker.state).toBe('closed');
    breaker.trip('port_lost', 'port gone');
    await clock.advanceBy(500);
    breaker.tryBeginProbe();
    breaker.endCooldown();
    expect(breaker.state).toBe('half_open');
    const isolation = breaker.isolate('tech');
    const transitions = events.length;
    breaker.endCooldown();
    expect(breaker.isolatedBy).toEqual(['tech']);
    expect(breaker.tryBeginProbe()).toBe(false);
    expect(events).toHaveLength(transitions);
    isolation.dispose();
  });

  it('resets the backoff once the breaker has closed', async () => {
    const { clock, breaker } = breakerHarness();
    breaker.trip('alarm', 'E1');
    await clock.advanceBy(500);
    breaker.tryBeginProbe();
    breaker.recordProbe(false, 'no answer');
    await clock.advanceBy(1000);
    passProbes(breaker, 3);
    breaker.trip('alarm', 'E2');
    expect(breaker.nextProbeAtMs()! - clock.now()).toBe(500);
  });

  it('backs off when tripped from half-open', async () => {
    const { clock, breaker, events } = breakerHarness();
    breaker.trip('alarm', 'E1');
    await clock.advanceBy(500);
    breaker.tryBeginProbe();
    // Not a trip (the axis already stopped at the first one): no reaction is asked for.
    expect(breaker.trip('following_error', '2.5 mm > 1 mm')).toBe(false);
    expect(breaker.nextProbeAtMs()! - clock.now()).toBe(1000);
    expect(events.at(-1)).toMatchObject({ from: 'half_open', to: 'open', reason: 'following_error' });
  });

  it('ignores a trip while already open and keeps the running cooldown', async () => {
    const { clock, breaker, events } = breakerHarness();
    breaker.trip('alarm', 'E1');
    await clock.advanceBy(300);
    expect(breaker.trip('following_error', 'late')).toBe(false);
    expect(breaker.nextProbeAtMs()).toBe(500);
    expect(events).toHaveLength(1);
  });

  it('closes by manual reset from open and from half-open, and is a no-op when closed', async () => {
    const { clock, breaker, events } = breakerHarness();
    breaker.reset('tech');
    expect(events).toEqual([]);
    breaker.trip('alarm', 'E1');
    breaker.reset('tech');
    expect(breaker.state).toBe('closed');
    breaker.trip('alarm', 'E2');
    await clock.advanceBy(500);
    breaker.tryBeginProbe();
    breaker.reset('tech');
    expect(breaker.state).toBe('closed');
    expect(events.filter((e) => e.reason === 'manual_reset').map((e) => `${e.from}:${e.detail}`)).toEqual(['open:tech', 'half_open:tech']);
  });
});

describe('AxisBreaker isolation', () => {
  it('stays open and refuses probes until every holder has disposed', async () => {
    const { clock, breaker, events } = breakerHarness();
    const technician = breaker.isolate('technician');
    const faultHandler = breaker.isolate('fault handler');
    expect(breaker.state).toBe('open');
    expect(breaker.isolatedBy).toEqual(['technician', 'fault handler']);
    await clock.advanceBy(60_000);
    expect(breaker.tryBeginProbe()).toBe(false);
    expect(breaker.nextProbeAtMs()).toBeUndefined();
    technician.dispose();
    expect(breaker.tryBeginProbe()).toBe(false);
    expect(breaker.isolatedBy).toEqual(['fault handler']);
    faultHandler.dispose();
    expect(breaker.state).toBe('open');
    expect(breaker.isolatedBy).toEqual([]);
    expect(breaker.nextProbeAtMs()).toBe(60_500);
    expect(events.map((e) => `${e.from}->${e.to}:${e.reason}:${e.detail}`)).toEqual([
      'closed->open:isolated:technician',
      'open->open:isolation_released:fault handler',
    ]);
  });

  it('must still pass probes to close after the last release', async () => {
    const { clock, breaker } = breakerHarness();
    breaker.isolate('technician').dispose();
    expect(breaker.tryBeginProbe()).toBe(false);
    await clock.advanceBy(500);
    passProbes(breaker, 3);
    expect(breaker.state).toBe('closed');
  });

  it('releases once when a hold is disposed twice', () => {
    const { breaker } = breakerHarness();
    const first = breaker.isolate('a');
    breaker.isolate('b');
    first.dispose();
    first.dispose();
    expect(breaker.isolatedBy).toEqual(['b']);
    expect(breaker.state).toBe('open');
  });

  it('refuses a manual reset while isolated, with a typed error', () => {
    const { breaker } = breakerHarness();
    const hold = breaker.isolate('technician');
    let caught: unknown;
    try {
      breaker.reset('operator');
    } catch (error) {
      caught = error;
    }
    expect(isBreakerIsolatedError(caught)).toBe(true);
    expect(caught).toMatchObject({ axis: 'X', holders: ['technician'] });
    expect(breaker.state).toBe('open');
    hold.dispose();
    breaker.reset('operator');
    expect(breaker.state).toBe('closed');
  });

  it('isolates a half-open breaker and drops its probe', async () => {
    const { clock, breaker, events } = breakerHarness();
    breaker.trip('alarm', 'E1');
    await clock.advanceBy(500);
    breaker.tryBeginProbe();
    const hold = breaker.isolate('technician');
    breaker.recordProbe(true, 'late');
    expect(breaker.state).toBe('open');
    expect(breaker.counters.lateResults).toBe(1);
    hold.dispose();
    expect(events.map((e) => e.reason)).toEqual(['alarm', 'cooldown_elapsed', 'isolated', 'isolation_released']);
  });
});

describe('AxisBreaker late results', () => {
  it('ignores a probe result that arrives after the half-open state ended', async () => {
    const { clock, breaker, events } = breakerHarness();
    breaker.trip('alarm', 'E1');
    await clock.advanceBy(500);
    expect(breaker.tryBeginProbe()).toBe(true);
    breaker.trip('following_error', 'during probe');
    breaker.recordProbe(true, 'late reply');
    expect(breaker.state).toBe('open');
    expect(events).toHaveLength(3);
    expect(breaker.counters.lateResults).toBe(1);
  });

  it('ignores a probe result when no probe is in flight', async () => {
    const { clock, breaker } = breakerHarness();
    breaker.recordProbe(false, 'stray');
    breaker.trip('alarm', 'E1');
    await clock.advanceBy(500);
    breaker.tryBeginProbe();
    breaker.recordProbe(true, 'ok');
    breaker.recordProbe(false, 'duplicate');
    expect(breaker.state).toBe('half_open');
    expect(breaker.counters.lateResults).toBe(2);
  });

  it('ignores call outcomes recorded while not closed', async () => {
    const { clock, breaker } = breakerHarness();
    fail(breaker, 3);
    breaker.recordSuccess();
    breaker.recordFailure('late timeout');
    await clock.advanceBy(500);
    breaker.tryBeginProbe();
    breaker.recordFailure('late timeout');
    expect(breaker.state).toBe('half_open');
    expect(breaker.counters).toMatchObject({ successes: 0, failures: 3, lateResults: 3 });
  });
});

describe('AxisBreaker counters and errors', () => {
  it('counts trips by reason, rejections, successes and failures', async () => {
    const { clock, breaker } = breakerHarness();
    breaker.recordSuccess();
    fail(breaker, 3);
    breaker.allowsMotion();
    breaker.allowsMotion();
    await clock.advanceBy(500);
    breaker.tryBeginProbe();
    breaker.recordProbe(false, 'no answer');
    const snapshot = breaker.counters;
    breaker.reset('tech');
    breaker.trip('alarm', 'E1');
    expect(snapshot).toEqual({
      trips: {
        consecutive_failures: 1,
        failure_ratio: 0,
        probe_failed: 1,
        isolated: 0,
        following_error: 0,
        alarm: 0,
        port_lost: 0,
        stale_sample: 0,
        drive_held: 0,
      },
      rejections: 2,
      successes: 1,
      failures: 3,
      lateResults: 0,
    });
    expect(breaker.counters.trips.alarm).toBe(1);
  });

  it('names the axis and state in BreakerOpenError, which its guard recognises', () => {
    const error = new BreakerOpenError('Y', 'half_open');
    expect(isBreakerOpenError(error)).toBe(true);
    expect(isBreakerOpenError(new Error('breaker is open'))).toBe(false);
    expect(isBreakerOpenError(undefined)).toBe(false);
    expect(error).toMatchObject({ name: 'BreakerOpenError', axis: 'Y', state: 'half_open' });
    expect(error.message).toContain('Y');
    expect(error.message).toContain('half_open');
  });

  it('refuses options out of range', () => {
    const clock = new VirtualClock();
    expect(() => new AxisBreaker('X', { ...defaultBreakerOptions, probesToClose: 0 }, clock)).toThrow(/probesToClose/);
    expect(
      () => new AxisBreaker('X', { ...defaultBreakerOptions, failureRatio: { threshold: 0.5, windowSize: 5, minimumCalls: 6 } }, clock),
    ).toThrow(/minimumCalls/);
    expect(() => new AxisBreaker('X', { ...defaultBreakerOptions, maxCooldownMs: 100 }, clock)).toThrow(/maxCooldownMs/);
  });
});
