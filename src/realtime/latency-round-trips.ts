import { isDriveCommError } from '../../drivers/errors.ts';
import type { Clock } from '../common/clock.ts';
import { LatencyHistogram, type LatencyStats } from './latency-histogram.ts';

/**
 * One drive to time, by its read-only status read. Only a read is offered, so the prober cannot
 * write to a drive whatever it does: the composition root hands in AxisDriver.readStatus, which the
 * driver contract declares read-only (one FC03 of the status block on Modbus).
 */
export interface RoundTripTarget {
  readonly bus: string;
  readonly axis: string;
  readonly unitId: number;
  /** Deadline of one read, ms from its start: the axis's timeoutMs, as the supervisor gives it. */
  readonly timeoutMs: number;
  /** One status read that settles by `deadlineMs` (absolute Clock time); rejects with DriveCommError when the drive did not answer properly. */
  readStatus(deadlineMs: number): Promise<unknown>;
}

/** What one drive's reads came to. */
export interface UnitRoundTrips {
  readonly axis: string;
  readonly unitId: number;
  readonly reads: number;
  readonly failed: number;
  /** Why the last failed read failed; absent when none failed. */
  readonly lastError?: string;
}

/** Round trips of the answered reads on one bus, ms, and its drives' counts. */
export interface BusRoundTrips extends LatencyStats {
  readonly bus: string;
  /** Drives on the bus (every one is read once per round). */
  readonly drives: number;
  readonly reads: number;
  readonly failed: number;
  readonly units: readonly UnitRoundTrips[];
}

interface UnitState {
  readonly target: RoundTripTarget;
  reads: number;
  failed: number;
  lastError?: string;
}

interface BusState {
  readonly id: string;
  readonly units: UnitState[];
  readonly roundTrips: LatencyHistogram;
  inRound: Promise<void> | undefined;
}

/**
 * Times status reads, bus by bus, the way a supervision cycle loads a bus: each poll() starts a round
 * on every bus whose last round has finished, reading each of its drives in turn. Buses run side by
 * side. A round trip is timed from the call to the answer, as the supervisor sees it.
 */
export class RoundTripProber {
  private readonly buses: BusState[] = [];
  /** A programming error in a round (not a comm failure): rethrown by settled(). */
  private fatal: { readonly error: unknown } | undefined;

  constructor(
    private readonly clock: Clock,
    targets: readonly RoundTripTarget[],
  ) {
    for (const target of targets) {
      let bus = this.buses.find((b) => b.id === target.bus);
      if (!bus) {
        bus = { id: target.bus, units: [], roundTrips: new LatencyHistogram(), inRound: undefined };
        this.buses.push(bus);
      }
      bus.units.push({ target, reads: 0, failed: 0 });
    }
  }

  /** Starts a round on every idle bus. */
  poll(): void {
    for (const bus of this.buses) {
      if (bus.inRound) continue;
      bus.inRound = this.round(bus).then(
        () => {
          bus.inRound = undefined;
        },
        (error: unknown) => {
          this.fatal ??= { error };
        },
      );
    }
  }

  /** Resolves once the rounds under way have ended (each read ends by its deadline). */
  async settled(): Promise<void> {
    await Promise.all(this.buses.map((bus) => bus.inRound));
    if (this.fatal) throw this.fatal.error;
  }

  stats(): BusRoundTrips[] {
    return this.buses.map((bus) => ({
      bus: bus.id,
      drives: bus.units.length,
      reads: bus.units.reduce((sum, unit) => sum + unit.reads, 0),
      failed: bus.units.reduce((sum, unit) => sum + unit.failed, 0),
      ...bus.roundTrips.stats(),
      units: bus.units.map(({ target, reads, failed, lastError }) => ({
        axis: target.axis,
        unitId: target.unitId,
        reads,
        failed,
        ...(lastError === undefined ? {} : { lastError }),
      })),
    }));
  }

  private async round(bus: BusState): Promise<void> {
    for (const unit of bus.units) {
      const startMs = this.clock.now();
      unit.reads++;
      try {
        await unit.target.readStatus(startMs + unit.target.timeoutMs);
        bus.roundTrips.record(this.clock.now() - startMs);
      } catch (error) {
        if (!isDriveCommError(error)) throw error;
        unit.failed++;
        unit.lastError = error.message;
      }
    }
  }
}
