import type { Clock } from '../common/clock.ts';
import type { Disposable } from '../common/disposable.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';

/** What the health check reads from a supervisor. */
export type HealthSource = Pick<Supervisor, 'onCycle' | 'isStopping' | 'snapshot' | 'stalls'>;

/** The body of /healthz. */
export interface HealthReport {
  readonly status: 'ok' | 'unhealthy';
  /** Why it is unhealthy; absent when ok. */
  readonly reason?: string;
  /** Real time since the last supervision cycle settled, ms; null before the first one. */
  readonly lastCycleAgeMs: number | null;
  /** The age beyond which the cycle counts as stalled, ms. */
  readonly maxCycleAgeMs: number;
  readonly axes: number;
  /** Axes whose breaker is open or half-open: the line contains them, so they do not make it unhealthy. */
  readonly trippedAxes: number;
  /** Axes that wait for a technician's reset. */
  readonly latchedAxes: number;
  /** Stalls of the supervisor process itself so far (its cycle timer ran late by the stall threshold or more). */
  readonly stalls: number;
  /** The longest of them, ms (0 when none). */
  readonly longestStallMs: number;
}

/** A cycle may lag this many periods before it counts as stalled, and never less than MIN_STALL_MS. */
const STALL_PERIODS = 5;
const MIN_STALL_MS = 1000;

/**
 * Whether the supervision cycle is alive: a cycle settled within max(5 × periodMs, 1 s) of real
 * time, and the supervisor is not stopping. Tripped axes do not make it unhealthy: containing them
 * is the supervisor's job; they are counted in the report. Time is `clock`'s (real, monotonic), not
 * the supervisor's, so a virtual clock that stops advancing shows as a stall.
 */
export class HealthMonitor implements Disposable {
  private lastCycleAtMs: number | undefined;
  private readonly subscription: Disposable;
  readonly maxCycleAgeMs: number;

  constructor(
    private readonly supervisor: HealthSource,
    periodMs: number,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.maxCycleAgeMs = Math.max(STALL_PERIODS * periodMs, MIN_STALL_MS);
    this.subscription = supervisor.onCycle(() => {
      this.lastCycleAtMs = this.clock.now();
    });
  }

  check(): HealthReport {
    const axes = this.supervisor.snapshot();
    const ageMs = this.lastCycleAtMs === undefined ? undefined : this.clock.now() - this.lastCycleAtMs;
    const reason = this.unhealthyBecause(ageMs);
    return {
      status: reason === undefined ? 'ok' : 'unhealthy',
      ...(reason === undefined ? {} : { reason }),
      lastCycleAgeMs: ageMs === undefined ? null : Math.round(ageMs),
      maxCycleAgeMs: this.maxCycleAgeMs,
      axes: axes.length,
      trippedAxes: axes.filter((a) => a.breaker !== 'closed').length,
      latchedAxes: axes.filter((a) => a.latched !== undefined).length,
      stalls: this.supervisor.stalls.stallCount,
      longestStallMs: Math.round(this.supervisor.stalls.longestStallMs),
    };
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private unhealthyBecause(ageMs: number | undefined): string | undefined {
    if (this.supervisor.isStopping()) return 'the supervisor is stopping';
    if (ageMs === undefined) return 'no supervision cycle has completed yet';
    if (ageMs > this.maxCycleAgeMs) return `no supervision cycle for ${Math.round(ageMs)} ms (limit ${this.maxCycleAgeMs} ms)`;
    return undefined;
  }
}
