import { assertNever } from '../src/common/never.ts';
import type { Random } from '../src/common/random.ts';

/**
 * A fault to inject into a simulated drive, as data. Several can be active at once.
 * - silent: no request gets any answer (nor has any effect).
 * - slow: requests take effect, but are answered only `latencyMs` after they arrived.
 * - dropout: each request is lost (no effect, no answer) with `probability` in [0, 1].
 * - alarm: the drive latches alarm `code` (≠ 0) and powers off; it refuses every command but
 *   readStatus and resetAlarm, and resetAlarm succeeds only once this fault is cleared.
 * - jam: the axis is mechanically stuck; its setpoint moves on, so the following error grows.
 * Faults that develop slowly, growing with the time since injection, for degradation detection:
 * - wear: friction rising, so the servo lags more: its lag time constant grows by
 *   `lagGrowthPerMin` of its healthy value per minute (0.1: twice the lag after 10 minutes), and
 *   with it the following error during moves and the settle time after them.
 * - slowing_drive: answers come `latencyMsPerMin` ms later per minute.
 * - degrading_link: answers arrive corrupt (CRC / garbled) with a probability that grows by
 *   `probabilityPerMin` per minute (capped at 1); the request itself took effect.
 */
export type FaultSpec =
  | { readonly kind: 'silent' }
  | { readonly kind: 'slow'; readonly latencyMs: number }
  | { readonly kind: 'dropout'; readonly probability: number }
  | { readonly kind: 'alarm'; readonly code: number }
  | { readonly kind: 'jam' }
  | { readonly kind: 'wear'; readonly lagGrowthPerMin: number }
  | { readonly kind: 'slowing_drive'; readonly latencyMsPerMin: number }
  | { readonly kind: 'degrading_link'; readonly probabilityPerMin: number };

export type FaultKind = FaultSpec['kind'];

/** Identifies one injected fault within its drive. */
export type FaultId = number;

/** A fault currently in force, since `sinceMs` on the drive's clock. */
export interface ActiveFault {
  readonly id: FaultId;
  readonly spec: FaultSpec;
  readonly sinceMs: number;
}

/** What the active faults do to one request on its way. */
export type Delivery =
  | { readonly kind: 'lost'; readonly cause: 'silent' | 'dropout' }
  /** `corrupt`: the request took effect, but its answer arrives damaged (a degrading link). */
  | { readonly kind: 'delivered'; readonly latencyMs: number; readonly corrupt: boolean };

const MS_PER_MIN = 60_000;

/** A slowly developing fault's size `nowMs`: its rate per minute times the minutes since it began. */
const grown = (ratePerMin: number, sinceMs: number, nowMs: number): number => (ratePerMin * Math.max(0, nowMs - sinceMs)) / MS_PER_MIN;

const requirePositiveRate = (kind: string, name: string, value: number): void => {
  if (!(value > 0 && Number.isFinite(value))) throw new RangeError(`${kind} fault: ${name} must be a finite number > 0, got ${value}`);
};

/** Throws a RangeError for a spec no drive could act on. */
export function validateFault(spec: FaultSpec): void {
  switch (spec.kind) {
    case 'silent':
    case 'jam':
      return;
    case 'slow':
      if (!(spec.latencyMs >= 0 && Number.isFinite(spec.latencyMs)))
        throw new RangeError(`slow fault: latencyMs must be a finite number >= 0, got ${spec.latencyMs}`);
      return;
    case 'dropout':
      if (!(spec.probability >= 0 && spec.probability <= 1))
        throw new RangeError(`dropout fault: probability must be in [0, 1], got ${spec.probability}`);
      return;
    case 'alarm':
      if (!Number.isInteger(spec.code) || spec.code === 0)
        throw new RangeError(`alarm fault: code must be a non-zero integer, got ${spec.code}`);
      return;
    case 'wear':
      return requirePositiveRate(spec.kind, 'lagGrowthPerMin', spec.lagGrowthPerMin);
    case 'slowing_drive':
      return requirePositiveRate(spec.kind, 'latencyMsPerMin', spec.latencyMsPerMin);
    case 'degrading_link':
      return requirePositiveRate(spec.kind, 'probabilityPerMin', spec.probabilityPerMin);
    default:
      assertNever(spec, 'fault');
  }
}

/** The faults active on one drive. */
export class FaultSet {
  private faults: readonly ActiveFault[] = [];
  private nextId: FaultId = 1;

  get active(): readonly ActiveFault[] {
    return this.faults;
  }

  add(spec: FaultSpec, sinceMs: number): ActiveFault {
    validateFault(spec);
    const fault: ActiveFault = { id: this.nextId++, spec, sinceMs };
    this.faults = [...this.faults, fault];
    return fault;
  }

  /** Returns whether the fault was active. */
  remove(id: FaultId): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  removeAll(): void {
    this.faults = [];
  }

  has(kind: FaultKind): boolean {
    return this.faults.some((f) => f.spec.kind === kind);
  }

  /**
   * Decides the fate of one request arriving `nowMs`. Draws one number from `random` per active
   * dropout and degrading_link fault (in injection order) unless the link is silent, so a given seed
   * loses and damages the same requests every run. `normalLatencyMs` applies unless a slow fault is
   * active; then the slowest one's latency does; a slowing_drive fault adds what it has grown to.
   */
  route(random: Random, normalLatencyMs: number, nowMs: number): Delivery {
    if (this.has('silent')) return { kind: 'lost', cause: 'silent' };
    let lost = false;
    let corrupt = false;
    let slowMs: number | undefined;
    let slowingMs = 0;
    for (const { spec, sinceMs } of this.faults) {
      if (spec.kind === 'dropout') lost = random() < spec.probability || lost;
      else if (spec.kind === 'slow') slowMs = Math.max(slowMs ?? 0, spec.latencyMs);
      else if (spec.kind === 'slowing_drive') slowingMs += grown(spec.latencyMsPerMin, sinceMs, nowMs);
      else if (spec.kind === 'degrading_link') corrupt = random() < grown(spec.probabilityPerMin, sinceMs, nowMs) || corrupt;
    }
    if (lost) return { kind: 'lost', cause: 'dropout' };
    return { kind: 'delivered', latencyMs: (slowMs ?? normalLatencyMs) + slowingMs, corrupt };
  }

  /** How many times its healthy servo lag the axis has `nowMs` (1 without a wear fault). */
  lagFactor(nowMs: number): number {
    let factor = 1;
    for (const { spec, sinceMs } of this.faults) if (spec.kind === 'wear') factor += grown(spec.lagGrowthPerMin, sinceMs, nowMs);
    return factor;
  }
}
