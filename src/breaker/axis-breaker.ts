// One file on purpose (over ~250 lines): one state machine. Its private state union, the few
// transitions that write it (each emitting onTransition) and the late-result rules that match a result
// to the state it lands in must be read together; the window and options already live beside it.
import type { Clock } from '../common/clock.ts';
import { disposableOnce, type Disposable } from '../common/disposable.ts';
import { EventEmitter, type Event } from '../common/event.ts';
import { assertNever } from '../common/never.ts';
import { BreakerIsolatedError } from './errors.ts';
import { assertValidBreakerOptions, type BreakerOptions } from './options.ts';
import { OutcomeWindow } from './outcome-window.ts';
import type { BreakerCounters, BreakerState, BreakerTransition, ExternalTripReason, TransitionReason, TripReason } from './transition.ts';

interface Closed {
  readonly kind: 'closed';
  consecutiveFailures: number;
  /** The last ROW_KEPT failures of the current row, the n-th at (n - 1) % ROW_KEPT (entries past consecutiveFailures are stale). */
  readonly row: FailedCall[];
  readonly window: OutcomeWindow;
}

/** A normal call that failed: when, and what its caller said. */
interface FailedCall {
  atMs: number;
  detail: string;
}

/** Failures of a row kept to name in a consecutive_failures trip: the default threshold and a few more, so a detail stays short. */
const ROW_KEPT = 5;
/** A failure's detail as named in a trip's, at most this many characters. */
const ROW_DETAIL_CHARS = 200;

interface Open {
  readonly kind: 'open';
  readonly openedAtMs: number;
  /** Shortened in place by endCooldown(). */
  cooldownMs: number;
  /** Failed recoveries since the breaker last closed: 0 at the first opening. */
  readonly attempt: number;
}

interface HalfOpen {
  readonly kind: 'half_open';
  /** The attempt of the Open state this one came from. */
  readonly attempt: number;
  goodProbes: number;
  probeInFlight: boolean;
}

/** Forced open until every hold is disposed; reported as 'open'. */
interface Isolated {
  readonly kind: 'isolated';
  readonly holds: Set<{ readonly by: string }>;
}

type InnerState = Closed | Open | HalfOpen | Isolated;

const publicState = (inner: InnerState): BreakerState => {
  switch (inner.kind) {
    case 'closed':
    case 'open':
    case 'half_open':
      return inner.kind;
    case 'isolated':
      return 'open';
    default:
      return assertNever(inner, 'breaker state');
  }
};

/**
 * The circuit breaker of one axis. Motion is allowed only while closed. Failures of normal calls
 * open it; after a cooldown the caller runs read-only probes (the breaker never issues anything
 * itself), and enough good probes in a row close it again. A failed probe opens it with a longer
 * cooldown. `isolate()` holds it open regardless, until every holder lets go.
 *
 * The private `inner` union is written only by `enter()`, through `open()`, `close()` and the
 * isolation release, and each write emits `onTransition`. Counters inside the current state (failure
 * counts, probe progress) are updated in place by the method handling that state.
 *
 * Late results: the breaker cannot tell one call from another, so it matches each result to the
 * state it lands in. recordSuccess/recordFailure act only while closed, recordProbe only while
 * half-open with the probe it allowed still in flight; anything else changes nothing and counts in
 * `counters.lateResults`. Callers settle every call and probe exactly once, by its deadline
 * (`withDeadline` drops the answer that comes later), with deadlines shorter than `cooldownMs`: then
 * a result can never reach a newer state of the same kind (recovering takes at least one cooldown).
 */
export class AxisBreaker {
  private inner: InnerState;
  /** Why the breaker last left closed; undefined while closed (see tripReason). */
  private openedFor: TripReason | undefined;
  /** The detail it last left closed with; undefined while closed (see tripDetail). */
  private openedWith: string | undefined;
  /** When each failure of the row it last left closed on failed (see tripRowAtMs). */
  private openedOnRowAtMs: readonly number[] | undefined;
  private readonly emitter = new EventEmitter<BreakerTransition>();
  private readonly trips: Record<TripReason, number> = {
    consecutive_failures: 0,
    failure_ratio: 0,
    probe_failed: 0,
    isolated: 0,
    following_error: 0,
    alarm: 0,
    port_lost: 0,
    stale_sample: 0,
    drive_held: 0,
  };
  private rejections = 0;
  private successes = 0;
  private failures = 0;
  private lateResults = 0;

  /** Every state change, with its reason; emitted after the change. */
  readonly onTransition: Event<BreakerTransition> = this.emitter.event;

  /** Starts closed. Throws a RangeError when an option is out of range. */
  constructor(
    readonly axisId: string,
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
  ) {
    assertValidBreakerOptions(options);
    this.inner = this.freshClosed();
  }

  get state(): BreakerState {
    return publicState(this.inner);
  }

  /** Why the breaker left closed, while it is not closed (a failed probe since keeps the first reason); undefined when closed. */
  get tripReason(): TripReason | undefined {
    return this.openedFor;
  }

  /** The detail the breaker left closed with, while it is not closed; undefined when closed. A consecutive_failures trip names every failure of its row. */
  get tripDetail(): string | undefined {
    return this.openedWith;
  }

  /**
   * When each failed call of the row a consecutive_failures trip counted failed (its last ROW_KEPT),
   * Clock ms, oldest first, while the breaker is not closed; undefined for a trip of another reason
   * and while closed. The times tripDetail names, as numbers for whoever matches them to the wire.
   */
  get tripRowAtMs(): readonly number[] | undefined {
    return this.openedOnRowAtMs;
  }

  /** Who holds the breaker isolated, oldest first; empty when not isolated. */
  get isolatedBy(): readonly string[] {
    return this.inner.kind === 'isolated' ? [...this.inner.holds].map((hold) => hold.by) : [];
  }

  get counters(): BreakerCounters {
    const { rejections, successes, failures, lateResults } = this;
    return { trips: { ...this.trips }, rejections, successes, failures, lateResults };
  }

  /**
   * True only when closed. Ask once per motion command: a false answer counts as a rejection (throw
   * BreakerOpenError then). Holds are not gated here. For display, read `state`.
   */
  allowsMotion(): boolean {
    if (this.inner.kind === 'closed') return true;
    this.rejections++;
    return false;
  }

  /** A normal call succeeded. Counted only while closed. */
  recordSuccess(): void {
    const inner = this.inner;
    if (inner.kind !== 'closed') return this.late();
    this.successes++;
    inner.consecutiveFailures = 0;
    inner.window.record(false);
  }

  /**
   * A normal call failed (a missed deadline included). Counted only while closed; opens on
   * `consecutiveFailures` in a row, else on the failure ratio once the window holds `minimumCalls`.
   * Returns the reason when this failure opened the breaker: a trip, which the caller reacts to.
   */
  recordFailure(detail: string): 'consecutive_failures' | 'failure_ratio' | undefined {
    const inner = this.inner;
    if (inner.kind !== 'closed') {
      this.late();
      return undefined;
    }
    this.failures++;
    inner.consecutiveFailures++;
    inner.row[(inner.consecutiveFailures - 1) % ROW_KEPT] = { atMs: this.clock.now(), detail };
    inner.window.record(true);
    const { threshold, minimumCalls } = this.options.failureRatio;
    if (inner.consecutiveFailures >= this.options.consecutiveFailures) {
      this.open(this.cooling(0), 'consecutive_failures', describeRow(inner));
      return 'consecutive_failures';
    }
    if (inner.window.calls < minimumCalls || inner.window.failureRatio < threshold) return undefined;
    this.open(this.cooling(0), 'failure_ratio', detail);
    return 'failure_ratio';
  }

  /**
   * Opens at once from closed or half-open (the latter backs the cooldown off); no-op when already
   * open. Returns true when it opened a closed breaker: a trip, which the caller reacts to.
   */
  trip(reason: ExternalTripReason, detail: string): boolean {
    const inner = this.inner;
    switch (inner.kind) {
      case 'closed':
        this.open(this.cooling(0), reason, detail);
        return true;
      case 'half_open':
        this.open(this.cooling(inner.attempt + 1), reason, detail);
        return false;
      case 'open':
      case 'isolated':
        return false;
      default:
        return assertNever(inner, 'breaker state');
    }
  }

  /**
   * Asks to start one read-only probe. Open with its cooldown elapsed: moves to half-open and says
   * yes. Half-open: yes unless a probe is in flight. Otherwise no. A yes marks the probe in flight;
   * end it with recordProbe().
   */
  tryBeginProbe(): boolean {
    const inner = this.inner;
    switch (inner.kind) {
      case 'open':
        if (this.clock.now() < inner.openedAtMs + inner.cooldownMs) return false;
        this.enter({ kind: 'half_open', attempt: inner.attempt, goodProbes: 0, probeInFlight: true }, 'cooldown_elapsed');
        return true;
      case 'half_open':
        if (inner.probeInFlight) return false;
        inner.probeInFlight = true;
        return true;
      case 'closed':
      case 'isolated':
        return false;
      default:
        return assertNever(inner, 'breaker state');
    }
  }

  /**
   * Ends the probe in flight. `probesToClose` good ones in a row close the breaker (and reset the
   * backoff); a bad one opens it with the cooldown times `backoffFactor`, capped at `maxCooldownMs`.
   * Ignored unless half-open with a probe in flight.
   */
  recordProbe(ok: boolean, detail: string): void {
    const inner = this.inner;
    if (inner.kind !== 'half_open' || !inner.probeInFlight) return this.late();
    inner.probeInFlight = false;
    if (!ok) return this.open(this.cooling(inner.attempt + 1), 'probe_failed', detail);
    inner.goodProbes++;
    if (inner.goodProbes >= this.options.probesToClose) this.close('probes_passed', detail);
  }

  /**
   * Ends the probe in flight without a verdict: it never reached the drive (the bus was busy), so it
   * says nothing either way. The breaker stays half-open and the next probe may start at once.
   * Ignored unless half-open with a probe in flight.
   */
  abandonProbe(): void {
    const inner = this.inner;
    if (inner.kind !== 'half_open' || !inner.probeInFlight) return this.late();
    inner.probeInFlight = false;
  }

  /**
   * Lets the next probe start at once, keeping the backoff for the probes after it: for when the
   * cause of the trip is known to be gone (the port of the axis's bus was reopened). Only while
   * open; isolated and half-open breakers are left as they are.
   */
  endCooldown(): void {
    const inner = this.inner;
    if (inner.kind !== 'open') return;
    inner.cooldownMs = Math.min(inner.cooldownMs, this.clock.now() - inner.openedAtMs);
  }

  /** When open (not isolated): the earliest clock time, ms, at which tryBeginProbe() can succeed. */
  nextProbeAtMs(): number | undefined {
    const inner = this.inner;
    return inner.kind === 'open' ? inner.openedAtMs + inner.cooldownMs : undefined;
  }

  /**
   * Forces the breaker open (reason 'isolated') until every holder has disposed; no probe may start
   * meanwhile. The last dispose leaves it open with the base cooldown (reason 'isolation_released'),
   * so it still has to pass probes to close. Disposing twice releases once.
   */
  isolate(by: string): Disposable {
    const hold = { by };
    let isolated: Isolated;
    if (this.inner.kind === 'isolated') {
      isolated = this.inner;
      isolated.holds.add(hold);
    } else {
      isolated = { kind: 'isolated', holds: new Set([hold]) };
      this.open(isolated, 'isolated', by);
    }
    // The breaker cannot leave `isolated` while a hold exists, so it is still the current state here.
    return disposableOnce(() => {
      isolated.holds.delete(hold);
      if (isolated.holds.size === 0) this.enter(this.cooling(0), 'isolation_released', by);
    });
  }

  /** Closes by hand (reason 'manual_reset'); no-op when closed. Throws BreakerIsolatedError while isolated. */
  reset(by: string): void {
    const inner = this.inner;
    switch (inner.kind) {
      case 'closed':
        return;
      case 'isolated':
        throw new BreakerIsolatedError(this.axisId, this.isolatedBy);
      case 'open':
      case 'half_open':
        return this.close('manual_reset', by);
      default:
        return assertNever(inner, 'breaker state');
    }
  }

  private freshClosed(): Closed {
    return { kind: 'closed', consecutiveFailures: 0, row: [], window: new OutcomeWindow(this.options.failureRatio.windowSize) };
  }

  /** An Open state starting now, its cooldown backed off `attempt` times and capped. */
  private cooling(attempt: number): Open {
    const { cooldownMs, backoffFactor, maxCooldownMs } = this.options;
    return {
      kind: 'open',
      openedAtMs: this.clock.now(),
      cooldownMs: Math.min(cooldownMs * backoffFactor ** attempt, maxCooldownMs),
      attempt,
    };
  }

  private late(): void {
    this.lateResults++;
  }

  private open(next: Open | Isolated, reason: TripReason, detail: string): void {
    this.trips[reason]++;
    this.enter(next, reason, detail);
  }

  private close(reason: 'probes_passed' | 'manual_reset', detail: string): void {
    this.enter(this.freshClosed(), reason, detail);
  }

  /** The only writer of `inner` (and of `openedFor`, which goes with it). */
  private enter(next: InnerState, reason: TransitionReason, detail?: string): void {
    const from = publicState(this.inner);
    // Leaving closed is always a trip, so its reason is a TripReason.
    if (next.kind === 'closed') {
      this.openedFor = undefined;
      this.openedWith = undefined;
      this.openedOnRowAtMs = undefined;
    } else if (this.inner.kind === 'closed') {
      this.openedFor = reason as TripReason;
      this.openedWith = detail;
      this.openedOnRowAtMs = reason === 'consecutive_failures' ? keptRow(this.inner).map((failed) => failed.atMs) : undefined;
    }
    this.inner = next;
    this.emitter.emit({ axis: this.axisId, from, to: publicState(next), atMs: this.clock.now(), reason, detail });
  }
}

/**
 * A consecutive_failures trip's detail: its failures in order, each with its time, so that whoever
 * reads the trip sees whether the drive was silent each time or something else failed in between
 * (a call cut short, a bad answer). A row longer than ROW_KEPT names its last ones.
 */
function describeRow(closed: Closed): string {
  const n = closed.consecutiveFailures;
  const kept = keptRow(closed);
  const named = kept.map(
    ({ atMs, detail }) =>
      `at ${atMs.toFixed(0)} ms: ${detail.length > ROW_DETAIL_CHARS ? `${detail.slice(0, ROW_DETAIL_CHARS)}...` : detail}`,
  );
  return `${n} failed calls in a row${n > kept.length ? `, the last ${kept.length}` : ''}: ${named.join('; ')}`;
}

/** The failures of the current row that are kept (its last ROW_KEPT), oldest first. */
function keptRow(closed: Closed): FailedCall[] {
  const n = closed.consecutiveFailures;
  const kept: FailedCall[] = [];
  for (let i = n - Math.min(n, ROW_KEPT); i < n; i++) kept.push(closed.row[i % ROW_KEPT]!);
  return kept;
}
