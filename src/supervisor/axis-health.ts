import type { Clock } from '../common/clock.ts';
import { AxisDegradation, type SignalChange } from '../degradation/axis-degradation.ts';
import type { Baseline } from '../degradation/drift-detector.ts';
import { DEFAULT_WATCH, formatSignalValue, signalLabel, type Signal } from '../degradation/signals.ts';
import type { SupervisorEvent } from '../events/events.ts';
import type { AxisSetup, DowngradeSettings } from './axis-setup.ts';

const WARN_ONLY: DowngradeSettings = { plan: 'warn', derateFactor: 1 };

/**
 * One axis's degradation watch and its downgrade plan: what AxisDegradation sees, reported as
 * events, and what the supervisor does about it while the axis is degraded (its setup's
 * `downgrade`): `derate` lowers the speed of the job moves it starts, `drain` lets its running job
 * finish and then hands its queued jobs to its fallback. Neither ever sends anything itself, and
 * neither changes how the axis trips: a degraded axis trips exactly as a healthy one would.
 */
export class AxisHealth {
  readonly watch: AxisDegradation;
  private readonly plan: DowngradeSettings;

  constructor(
    private readonly setup: AxisSetup,
    private readonly clock: Clock,
    private readonly emit: (event: SupervisorEvent) => void,
  ) {
    this.plan = setup.downgrade ?? WARN_ONLY;
    this.watch = new AxisDegradation(
      clock.now(),
      setup.limits.maxSpeedMmPerS,
      (change) => this.changed(change),
      setup.driver.link,
      setup.watch ?? DEFAULT_WATCH,
    );
  }

  get degraded(): boolean {
    return this.watch.degraded;
  }

  /** The downgrade plan of the axis (its setup's, `warn` when it has none). */
  get downgradePlan(): DowngradeSettings['plan'] {
    return this.plan.plan;
  }

  /** The share of its speed a job move started now runs at: the derate factor while derated, else 1. */
  speedFactor(): number {
    return this.plan.plan === 'derate' && this.watch.degraded ? this.plan.derateFactor : 1;
  }

  /** True while the axis is degraded with plan `drain`: it finishes its running job and takes no new one. */
  get draining(): boolean {
    return this.plan.plan === 'drain' && this.watch.degraded;
  }

  /** Takes over baselines an earlier run learned (see restore-plan.ts). */
  restore(baselines: Partial<Record<Signal, Baseline>>): void {
    this.watch.restore(baselines);
  }

  /** A technician's relearn after a repair: baselines and degraded marks gone, the downgrade ends. */
  relearn(by: string): void {
    const wasDegraded = this.watch.degraded;
    this.watch.relearn(this.clock.now());
    const atMs = this.clock.now();
    this.emit({ type: 'relearn', atMs, axis: this.setup.id, by });
    if (wasDegraded && this.plan.plan !== 'warn')
      this.emit({ type: 'downgrade', atMs, axis: this.setup.id, action: 'end', detail: `relearned by ${by}` });
  }

  private changed({ signal, change, baseline, current }: SignalChange): void {
    const atMs = this.clock.now();
    const axis = this.setup.id;
    switch (change) {
      case 'learned':
        this.emit({ type: 'baseline_learned', atMs, axis, signal, mean: baseline.mean, sd: baseline.sd });
        return;
      case 'degraded': {
        this.emit({ type: 'degraded', atMs, axis, signal, baseline: baseline.mean, current, plan: this.plan.plan });
        // The plan starts with the first degraded signal; later ones only add to the story.
        if (this.watch.degradedSignals().length === 1) this.startPlan(atMs, signal, current);
        return;
      }
      case 'recovered': {
        const still = this.watch.degradedSignals();
        this.emit({ type: 'recovered', atMs, axis, signal, baseline: baseline.mean, current, degraded: still });
        if (still.length === 0 && this.plan.plan !== 'warn')
          this.emit({ type: 'downgrade', atMs, axis, action: 'end', detail: 'every signal is back near its baseline' });
        return;
      }
    }
  }

  private startPlan(atMs: number, signal: Signal, current: number): void {
    const why = `${signalLabel(signal)} at ${formatSignalValue(signal, current)}`;
    const axis = this.setup.id;
    if (this.plan.plan === 'derate')
      this.emit({
        type: 'downgrade',
        atMs,
        axis,
        action: 'derate',
        detail: `${why}: job moves run at ${Math.round(this.plan.derateFactor * 100)} % of their speed`,
      });
    else if (this.plan.plan === 'drain')
      this.emit({
        type: 'downgrade',
        atMs,
        axis,
        action: 'drain',
        detail: `${why}: its running job finishes, then its queued jobs go to ${this.setup.fallback ? `'${this.setup.fallback}'` : 'no fallback (they are parked)'}`,
      });
  }
}
