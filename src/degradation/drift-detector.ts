/**
 * Detects a sustained rise of one signal above its own baseline, with a bounded false-alarm rate:
 * a one-sided tabular CUSUM (Page 1954; Montgomery, Introduction to Statistical Quality Control,
 * ch. 9) on standardized window observations.
 *
 * Why CUSUM rather than a threshold or EWMA limits: among detectors with the same false-alarm rate
 * it detects a sustained shift of a chosen size soonest (Lorden 1971, Moustakides 1986), and it
 * adds small excesses up, so a drift a little above the baseline every window is caught long
 * before any single window looks alarming. One-sided: only a worsening matters here.
 *
 * - Warm-up: the first `warmupObservations` observations give the baseline mean and standard
 *   deviation (Welford). A restored baseline (persisted with the line state) skips the warm-up.
 * - Watching: z = (x - mean) / scale, scale = max(sd, floor) where floor = max(absoluteFloor,
 *   relativeFloor x mean), so a signal with no noise at all (a simulator without jitter) is not
 *   alarmed by a change nobody would care about. S = max(0, S + z - k); degraded when S > h.
 * - Degraded: recovered after `recoverObservations` observations in a row with z <= k; S starts
 *   again from 0.
 *
 * With k = 0.5 and h = 16, Siegmund's approximation gives an in-control average run length of
 * about 5.7e7 observations for normally distributed window means (a 5 s window: about nine years
 * per signal), and a shift of 3 standard deviations is flagged after about 7 observations.
 */
export interface DriftOptions {
  readonly warmupObservations: number;
  /** Allowance per observation, in standard deviations: shifts smaller than ~2k are ignored. */
  readonly k: number;
  /** Decision interval, in standard deviations. */
  readonly h: number;
  readonly recoverObservations: number;
  /** Smallest scale, in the signal's unit. */
  readonly absoluteFloor: number;
  /** Smallest scale as a share of the baseline mean. */
  readonly relativeFloor: number;
}

/** A learned baseline: what the signal looked like on a healthy axis. */
export interface Baseline {
  readonly mean: number;
  readonly sd: number;
}

/** What one observation changed. */
export type DriftChange = 'learned' | 'degraded' | 'recovered' | undefined;

export class DriftDetector {
  private learned: Baseline | undefined;
  private count = 0;
  private runningMean = 0;
  private runningSquares = 0;
  private sum = 0;
  private degradedNow = false;
  private calmInRow = 0;
  private last: number | undefined;

  constructor(private readonly options: DriftOptions) {}

  /** The baseline, once learned or restored. */
  get baseline(): Baseline | undefined {
    return this.learned;
  }

  get degraded(): boolean {
    return this.degradedNow;
  }

  /** The last observation, in the signal's unit. */
  get current(): number | undefined {
    return this.last;
  }

  /** The CUSUM statistic in standard deviations (0 while learning): how far towards `h` the signal has come. */
  get score(): number {
    return this.sum;
  }

  observe(x: number): DriftChange {
    this.last = x;
    const baseline = this.learned;
    if (!baseline) return this.learn(x);
    const z = (x - baseline.mean) / this.scale(baseline);
    this.sum = Math.max(0, this.sum + z - this.options.k);
    if (!this.degradedNow) {
      if (this.sum <= this.options.h) return undefined;
      this.degradedNow = true;
      this.calmInRow = 0;
      return 'degraded';
    }
    this.calmInRow = z <= this.options.k ? this.calmInRow + 1 : 0;
    if (this.calmInRow < this.options.recoverObservations) return undefined;
    this.degradedNow = false;
    this.sum = 0;
    return 'recovered';
  }

  /** Takes over a baseline learned before (a restart): watching starts at once. */
  restore(baseline: Baseline): void {
    this.learned = baseline;
  }

  /** Forgets the baseline and any alarm: learn again (a technician after a repair). */
  relearn(): void {
    this.learned = undefined;
    this.count = this.runningMean = this.runningSquares = this.sum = 0;
    this.degradedNow = false;
    this.calmInRow = 0;
  }

  private learn(x: number): DriftChange {
    this.count++;
    const delta = x - this.runningMean;
    this.runningMean += delta / this.count;
    this.runningSquares += delta * (x - this.runningMean);
    if (this.count < this.options.warmupObservations) return undefined;
    this.learned = { mean: this.runningMean, sd: Math.sqrt(this.runningSquares / (this.count - 1)) };
    return 'learned';
  }

  private scale(baseline: Baseline): number {
    const { absoluteFloor, relativeFloor } = this.options;
    return Math.max(baseline.sd, absoluteFloor, relativeFloor * Math.abs(baseline.mean));
  }
}
