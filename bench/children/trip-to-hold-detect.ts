/**
 * When an injected fault became detectable, from what a trip-to-hold trial observed, and the trial's
 * latencies from it. Shared by the virtual-time and the pty child, which differ only in how they
 * observe the drive and the wire.
 */

export type FaultKind = 'jam' | 'silent';

/** |following error| in one status sample, at the instant the drive took it. */
export interface ErrorSample {
  readonly atMs: number;
  readonly errorMm: number;
}

/** One request to the drive, in the order sent: when its answer was due, and whether none came by then. */
export interface RequestFate {
  readonly dueAtMs: number;
  readonly missed: boolean;
}

/** A breaker trip of the axis, as the supervisor reported it. */
export interface TripEvent {
  readonly atMs: number;
  readonly reason: string;
}

/** What one trial saw; every instant in ms on the trial's clock. */
export interface Observed {
  readonly injectedAtMs: number;
  /** The first hold request sent for the drive after the injection; undefined if none came. */
  readonly holdAtMs: number | undefined;
  readonly samples: readonly ErrorSample[];
  readonly requests: readonly RequestFate[];
  readonly trips: readonly TripEvent[];
}

/** One trial's latencies, ms. `firstMissToHold`: silent only. */
export interface Trial {
  readonly injectToHold: number;
  readonly injectToDetectable: number;
  readonly detectableToHold: number;
  readonly firstMissToHold?: number;
  /** The supervisor's own part: the trip decided (the sample or missed deadline in hand) → hold sent. */
  readonly tripToHold: number;
}

/** How a fault becomes detectable: the trip condition of the breaker it should open. */
export interface TripRule {
  /** Following error outside this window for `timeMs` trips (jam). */
  readonly windowMm: number;
  readonly timeMs: number;
  /** This many missed requests in a row trip (silent). */
  readonly consecutiveFailures: number;
}

/**
 * Jam: the instant the following error has been outside its window for `timeMs`. The crossing is
 * interpolated between the two samples around it (the first outside after the injection, the one before).
 */
export function jamDetectableAt(samples: readonly ErrorSample[], injectedAtMs: number, rule: TripRule): number | undefined {
  const i = samples.findIndex((s) => s.atMs >= injectedAtMs && s.errorMm > rule.windowMm);
  const outside = samples[i];
  const inside = samples[i - 1];
  if (!outside || !inside) return undefined;
  const share = (rule.windowMm - inside.errorMm) / (outside.errorMm - inside.errorMm);
  return inside.atMs + share * (outside.atMs - inside.atMs) + rule.timeMs;
}

/**
 * Silent: the trip condition is met at the deadline of the `consecutiveFailures`-th missed request in
 * a row (one lost frame alone must not stop a machine); also the deadline of the first miss of that run.
 * Only requests due after the injection count.
 */
export function silentDetectableAt(
  requests: readonly RequestFate[],
  injectedAtMs: number,
  rule: TripRule,
): { firstMissAtMs: number; tripAtMs: number } | undefined {
  let inRow = 0;
  let firstMissAtMs = 0;
  for (const { dueAtMs, missed } of requests) {
    if (dueAtMs < injectedAtMs) continue;
    if (!missed) {
      inRow = 0;
      continue;
    }
    if (inRow++ === 0) firstMissAtMs = dueAtMs;
    if (inRow === rule.consecutiveFailures) return { firstMissAtMs, tripAtMs: dueAtMs };
  }
  return undefined;
}

/** A trial's outcome: its latencies, or why there are none (see measureTrial). */
export type TrialResult = Trial | 'missed' | 'disturbed';

/** The breaker's reason for the trip each fault must cause. */
const EXPECTED_TRIP: Readonly<Record<FaultKind, string>> = { jam: 'following_error', silent: 'consecutive_failures' };

/** True when the axis tripped for something else first: before the injection, or first after it for another reason. */
function trippedByOther(kind: FaultKind, { injectedAtMs, trips }: Observed): boolean {
  const firstAfter = trips.find((t) => t.atMs >= injectedAtMs);
  return trips.some((t) => t.atMs < injectedAtMs) || (firstAfter !== undefined && firstAfter.reason !== EXPECTED_TRIP[kind]);
}

/**
 * True when a request was missed that the fault does not explain (comm trouble under CPU load). A
 * jammed drive still answers: any miss between injection and hold. A silent one misses from the
 * injection on: a miss just before it, which the breaker counts into its run of misses and the trial would not.
 */
function unexplainedMiss(kind: FaultKind, { injectedAtMs, requests }: Observed, holdAtMs: number): boolean {
  if (kind === 'jam') return requests.some((r) => r.missed && r.dueAtMs >= injectedAtMs && r.dueAtMs <= holdAtMs);
  return requests.filter((r) => r.dueAtMs < injectedAtMs).at(-1)?.missed === true;
}

/**
 * The trial's latencies; 'missed' when no hold came (or the fault never became detectable);
 * 'disturbed' when something besides the fault acted on the breaker or the bus (a trip for something
 * else, an unexplained miss), so the hold may answer that. A missing hold is never put down to a miss.
 */
export function measureTrial(kind: FaultKind, observed: Observed, rule: TripRule): TrialResult {
  const { injectedAtMs, holdAtMs } = observed;
  if (trippedByOther(kind, observed)) return 'disturbed';
  if (holdAtMs === undefined) return 'missed';
  if (unexplainedMiss(kind, observed, holdAtMs)) return 'disturbed';
  // Not disturbed: the first trip after the injection is the fault's own.
  const tripAtMs = observed.trips.find((t) => t.atMs >= injectedAtMs)?.atMs ?? holdAtMs;
  const from = (detectableAtMs: number) => ({
    injectToHold: holdAtMs - injectedAtMs,
    injectToDetectable: detectableAtMs - injectedAtMs,
    detectableToHold: holdAtMs - detectableAtMs,
    tripToHold: holdAtMs - tripAtMs,
  });
  if (kind === 'jam') {
    const detectableAtMs = jamDetectableAt(observed.samples, injectedAtMs, rule);
    return detectableAtMs === undefined ? 'missed' : from(detectableAtMs);
  }
  const silent = silentDetectableAt(observed.requests, injectedAtMs, rule);
  return silent === undefined ? 'missed' : { ...from(silent.tripAtMs), firstMissToHold: holdAtMs - silent.firstMissAtMs };
}
