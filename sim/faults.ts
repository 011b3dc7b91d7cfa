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
 */
export type FaultSpec =
  | { readonly kind: 'silent' }
  | { readonly kind: 'slow'; readonly latencyMs: number }
  | { readonly kind: 'dropout'; readonly probability: number }
  | { readonly kind: 'alarm'; readonly code: number }
  | { readonly kind: 'jam' };

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
  | { readonly kind: 'delivered'; readonly latencyMs: number };

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
   * Decides the fate of one request. Draws one number from `random` per active dropout fault (in
   * injection order) unless the link is silent, so a given seed loses the same requests every run.
   * `normalLatencyMs` applies unless a slow fault is active; then the slowest one's latency does.
   */
  route(random: Random, normalLatencyMs: number): Delivery {
    if (this.has('silent')) return { kind: 'lost', cause: 'silent' };
    let lost = false;
    let slowMs: number | undefined;
    for (const { spec } of this.faults) {
      if (spec.kind === 'dropout') lost = random() < spec.probability || lost;
      else if (spec.kind === 'slow') slowMs = Math.max(slowMs ?? 0, spec.latencyMs);
    }
    return lost ? { kind: 'lost', cause: 'dropout' } : { kind: 'delivered', latencyMs: slowMs ?? normalLatencyMs };
  }
}
