import type { DriveLinkStats, DriveStatus } from '../../drivers/contract.ts';
import { DriftDetector, type Baseline, type DriftChange } from './drift-detector.ts';
import { MIN_SAMPLES_PER_WINDOW, SIGNAL_OPTIONS, SIGNALS, type Signal, type WatchTuning } from './signals.ts';

/** A failed exchange, by what it says about the link. */
export type FailureKind = 'timeout' | 'corrupt' | 'exception';

/** One signal's change, for events: its baseline and the observation that changed it. */
export interface SignalChange {
  readonly signal: Signal;
  readonly change: Exclude<DriftChange, undefined>;
  readonly baseline: Baseline;
  readonly current: number;
}

/** One signal as displays show it. */
export interface SignalView {
  readonly signal: Signal;
  readonly baseline: Baseline | undefined;
  readonly current: number | undefined;
  /** CUSUM statistic in standard deviations; degraded above SIGNAL_OPTIONS[signal].h. */
  readonly score: number;
  readonly degraded: boolean;
}

/** Speeds below this share of the axis's max speed give no following-error observation: the ratio means little near standstill. */
const MIN_SPEED_SHARE = 0.05;

/**
 * Watches one axis for slow degradation on the signals of signals.ts, each with its own
 * DriftDetector. The supervisor feeds it what it sees anyway (status reads and their answer times,
 * failed calls, samples during moves, arrivals) and it reports each signal's change through
 * `report`. It is the only writer of its state; it commands nothing: what a degraded axis does is
 * the supervisor's downgrade plan. Cheap per sample: a few additions; the detectors run once per
 * window.
 */
export class AxisDegradation {
  private readonly detectors: Map<Signal, DriftDetector>;
  private windowEndsAtMs: number;
  private reads = 0;
  private readTimeSumMs = 0;
  private timedReads = 0;
  private failures = { timeout: 0, corrupt: 0, exception: 0 };
  private errorSquares = 0;
  private speedSquares = 0;
  private movingSamples = 0;
  private retriesSeen = { corrupt: 0, timeout: 0 };
  /** When the active move's profile was first seen stopped; undefined while it runs or without a move. */
  private profileEndedAtMs: number | undefined;

  constructor(
    startMs: number,
    private readonly maxSpeedMmPerS: number,
    private readonly report: (change: SignalChange) => void,
    private readonly link: DriveLinkStats | undefined,
    private readonly tuning: WatchTuning,
  ) {
    const { warmupObservations } = tuning;
    this.detectors = new Map(SIGNALS.map((s) => [s, new DriftDetector({ ...SIGNAL_OPTIONS[s], warmupObservations })]));
    this.windowEndsAtMs = startMs + tuning.windowMs;
    this.retriesSeen = this.retryTotals();
  }

  /** True while any signal is degraded. */
  get degraded(): boolean {
    for (const detector of this.detectors.values()) if (detector.degraded) return true;
    return false;
  }

  /** The degraded signals, in SIGNALS order. */
  degradedSignals(): Signal[] {
    return SIGNALS.filter((s) => this.detectors.get(s)!.degraded);
  }

  signals(): SignalView[] {
    return SIGNALS.map((signal) => {
      const d = this.detectors.get(signal)!;
      return { signal, baseline: d.baseline, current: d.current, score: d.score, degraded: d.degraded };
    });
  }

  /** Baselines learned so far, to persist with the line state. */
  baselines(): Partial<Record<Signal, Baseline>> {
    const out: Partial<Record<Signal, Baseline>> = {};
    for (const [signal, d] of this.detectors) if (d.baseline) out[signal] = d.baseline;
    return out;
  }

  /** Takes over baselines an earlier run learned: no new warm-up, so a restart does not learn a degraded axis as healthy. */
  restore(baselines: Partial<Record<Signal, Baseline>>): void {
    for (const [signal, baseline] of Object.entries(baselines) as [Signal, Baseline][]) this.detectors.get(signal)?.restore(baseline);
  }

  /** Forgets every baseline and alarm (a technician after a repair): the axis is learned again from now. */
  relearn(nowMs: number): void {
    for (const d of this.detectors.values()) d.relearn();
    this.startWindow(nowMs);
  }

  /** A status read came back; `readMs`: the drive's answer time, when the driver measures it and we were not stalled meanwhile. */
  statusRead(nowMs: number, readMs: number | undefined): void {
    this.reads++;
    if (readMs !== undefined) {
      this.readTimeSumMs += readMs;
      this.timedReads++;
    }
    if (nowMs >= this.windowEndsAtMs) this.closeWindow(nowMs);
  }

  /** A call failed in a way that says something about the link (not our own delay, not a lost port). */
  failed(nowMs: number, kind: FailureKind): void {
    this.failures[kind]++;
    if (nowMs >= this.windowEndsAtMs) this.closeWindow(nowMs);
  }

  /** A move starts: its settle time is measured from its profile's end. */
  moveStarted(): void {
    this.profileEndedAtMs = undefined;
  }

  /** A sample during a move: following error per speed while the profile runs, the profile's end once it stops. */
  duringMove(sample: DriveStatus, nowMs: number): void {
    if (!sample.moving) {
      this.profileEndedAtMs ??= nowMs;
      return;
    }
    if (Math.abs(sample.velocityMmPerS) < MIN_SPEED_SHARE * this.maxSpeedMmPerS) return;
    this.errorSquares += sample.followingErrorMm * sample.followingErrorMm;
    this.speedSquares += sample.velocityMmPerS * sample.velocityMmPerS;
    this.movingSamples++;
  }

  /** The move arrived in position: its settle time is one observation. */
  moveArrived(nowMs: number): void {
    if (this.profileEndedAtMs !== undefined) this.observe('settle_time_ms', nowMs - this.profileEndedAtMs);
    this.profileEndedAtMs = undefined;
  }

  private closeWindow(nowMs: number): void {
    const retries = this.retryTotals();
    const retriedCorrupt = retries.corrupt - this.retriesSeen.corrupt;
    const retriedTimeouts = retries.timeout - this.retriesSeen.timeout;
    this.retriesSeen = retries;
    const { timeout, corrupt, exception } = this.failures;
    // Every exchange the drive was asked for: the calls, and the retries inside them.
    const exchanges = this.reads + timeout + corrupt + exception + retriedCorrupt + retriedTimeouts;
    if (exchanges >= MIN_SAMPLES_PER_WINDOW) {
      this.observe('timeout_rate', (timeout + retriedTimeouts) / exchanges);
      this.observe('corrupt_rate', (corrupt + retriedCorrupt) / exchanges);
      this.observe('exception_rate', exception / exchanges);
    }
    if (this.timedReads >= MIN_SAMPLES_PER_WINDOW) this.observe('read_time_ms', this.readTimeSumMs / this.timedReads);
    if (this.movingSamples >= MIN_SAMPLES_PER_WINDOW)
      this.observe('following_error_ms', (1000 * Math.sqrt(this.errorSquares)) / Math.sqrt(this.speedSquares));
    this.startWindow(nowMs);
  }

  private startWindow(nowMs: number): void {
    this.windowEndsAtMs = nowMs + this.tuning.windowMs;
    this.reads = this.readTimeSumMs = this.timedReads = 0;
    this.failures = { timeout: 0, corrupt: 0, exception: 0 };
    this.errorSquares = this.speedSquares = this.movingSamples = 0;
  }

  private observe(signal: Signal, value: number): void {
    const detector = this.detectors.get(signal)!;
    const change = detector.observe(value);
    if (change && detector.baseline) this.report({ signal, change, baseline: detector.baseline, current: value });
  }

  private retryTotals(): { corrupt: number; timeout: number } {
    const retries = this.link?.retries;
    return retries ? { corrupt: retries.crc + retries.garbled, timeout: retries.timeout } : { corrupt: 0, timeout: 0 };
  }
}
