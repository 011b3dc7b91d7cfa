// One file on purpose (over ~250 lines): where a line's pieces meet. The tick that starts each axis's
// cycle task, the set of tasks that stop() waits for, and the trip reaction with the job hand-off it
// starts; the per-axis cycle, actions, operator, power-up gate and job board are files of their own.
import type { Clock } from '../common/clock.ts';
import type { Disposable } from '../common/disposable.ts';
import { EventEmitter } from '../common/event.ts';
import { acceptsWork } from '../axis/axis-state.ts';
import type { TripReason } from '../breaker/transition.ts';
import { StallMonitor, stallKind } from '../realtime/stall-monitor.ts';
import { decideHandOff, type FallbackCandidate } from '../line/fallback.ts';
import { JobBoard, type JobSpec, type JobView } from '../line/job-board.ts';
import { restoredAnything, type RestorePlan } from '../line/restore-plan.ts';
import { AxisActions, maxUnobservedMs, type ActionContext } from './axis-actions.ts';
import { AxisCycle } from './axis-cycle.ts';
import { AxisRuntime } from './axis-runtime.ts';
import type { AxisSetup } from './axis-setup.ts';
import { detailOf, type AxisDetail } from './detail.ts';
import { Operator } from './operator.ts';
import { PowerUpGate } from './power-up-gate.ts';
import { snapshotOf, type AxisSnapshot } from './snapshot.ts';
import type { SupervisorEvent } from '../events/events.ts';

export interface SupervisorOptions {
  readonly clock: Clock;
  /** Poll period of the supervision cycle. */
  readonly periodMs: number;
  readonly axes: readonly AxisSetup[];
  readonly jobs: readonly JobSpec[];
  /** Read-only polling after start before the first axis powers up, ms (see PowerUpGate); default 0. */
  readonly warmupMs?: number;
  /** The process's CPU time so far, ms, in real time: each stall then says what the process did meanwhile (StallMonitor). */
  readonly processCpuMs?: () => number;
}

/** One supervision cycle, reported once every axis task its tick started has settled. */
export interface CycleReport {
  /** Clock time of the tick, ms. */
  readonly tickAtMs: number;
  /** From the tick until the last of its axis tasks settled, ms; 0 when every axis was still busy. */
  readonly durationMs: number;
  /** Axis tasks the tick started (an axis still busy from an earlier tick is skipped). */
  readonly tasks: number;
}

/** Trip reasons that mean the drive or the machine is hurt: they latch until a technician resets. */
const LATCHING_TRIPS: ReadonlySet<TripReason> = new Set<TripReason>(['following_error', 'alarm', 'isolated']);

/** The shortest lateness of our own reported as a stall: a fifth of a typical 100 ms drive watchdog, and never less than one period. */
const MIN_REPORTED_STALL_MS = 20;

/**
 * The supervision cycle of a line. Every period each axis that is not still busy gets one task of
 * its own (see AxisCycle); tasks run side by side, each bounded by its own deadlines, so a hung drive
 * costs only its own axis. A trip holds the axis at once and hands its jobs on. `operator` holds
 * what a technician may do.
 */
export class Supervisor {
  private readonly events = new EventEmitter<SupervisorEvent>();
  private readonly fatalErrors = new EventEmitter<unknown>();
  private readonly cycles = new EventEmitter<CycleReport>();
  /** Every supervisor event, in order. */
  readonly onEvent = this.events.event;
  /** A programming error escaped an axis task; the caller should hold everything and exit. */
  readonly onFatal = this.fatalErrors.event;
  /** Each cycle's duration, for metrics and health checks; costs nothing when nobody listens. */
  readonly onCycle = this.cycles.event;
  /** Technician actions: hold, release, reset, enable, disable, jog, isolate, resume a parked job. */
  readonly operator: Operator;
  /** Our own lateness: stalls of the process, and the time lost to them (left out of what drives are blamed for). */
  readonly stalls: StallMonitor;

  private readonly clock: Clock;
  private readonly periodMs: number;
  private readonly axes = new Map<string, AxisRuntime>();
  private readonly board: JobBoard;
  private readonly actions: AxisActions;
  private readonly cycle: AxisCycle;
  private readonly powerUps: PowerUpGate;
  private readonly tasks = new Set<Promise<void>>();
  /** Axes that were still busy when a tick came: each gets its missed task as soon as it is free. */
  private readonly owed = new Set<AxisRuntime>();
  private restored: RestorePlan | undefined;
  private started = false;
  private ticker: Disposable | undefined;
  private stopping = false;
  private tickCount = 0;

  constructor(options: SupervisorOptions) {
    this.clock = options.clock;
    this.periodMs = options.periodMs;
    this.board = new JobBoard(options.jobs);
    this.stalls = new StallMonitor(this.clock, Math.max(MIN_REPORTED_STALL_MS, this.periodMs), options.processCpuMs);
    this.stalls.onStall((stall) => this.events.emit({ type: 'stall', ...stall }));
    const ctx: ActionContext = {
      clock: this.clock,
      periodMs: this.periodMs,
      emit: (e) => this.events.emit(e),
      stopping: () => this.stopping,
      tripped: (axis, reason, detail) => this.onTrip(axis, reason, detail),
      drained: (axis) => this.handOffJobs(axis),
    };
    this.actions = new AxisActions(ctx);
    this.powerUps = new PowerUpGate(this.clock, options.warmupMs ?? 0);
    this.cycle = new AxisCycle(ctx, this.actions, this.board, this.powerUps);
    this.operator = new Operator(ctx, this.actions, this.board, (id) => this.axis(id));
    for (const setup of options.axes) {
      const axis = new AxisRuntime(setup, this.clock, ctx.emit, () => this.stalls.totalLostMs);
      // Observed only: whoever opens a closed breaker calls the trip reaction (ActionContext.tripped).
      axis.breaker.onTransition((t) => {
        this.events.emit({
          type: 'breaker',
          atMs: t.atMs,
          axis: t.axis,
          from: t.from,
          to: t.to,
          reason: t.reason,
          ...(t.detail ? { detail: t.detail } : {}),
        });
      });
      this.axes.set(setup.id, axis);
    }
  }

  /**
   * Before `start`: take over what an earlier run left (restore-plan.ts). Its jobs are placed now;
   * its axes' latches and disables at `start`, which reports them all (`line_restored`).
   */
  restore(plan: RestorePlan): void {
    if (this.started) throw new Error('restore() must come before start()');
    this.board.restore(plan.jobs, this.clock.now());
    this.restored = plan;
  }

  /**
   * Starts the cycle. Axes come up Disabled and are polled; after the warm-up they are powered and
   * re-synced by their tasks, one at a time (PowerUpGate), except those an earlier run left latched
   * (ErrorStop, held again now) or disabled: they wait for a technician.
   */
  start(): void {
    this.started = true;
    this.powerUps.start();
    this.events.emit({ type: 'start', atMs: this.clock.now(), axes: [...this.axes.keys()], jobs: this.board.jobs().length });
    if (this.restored) {
      for (const [id, restored] of this.restored.axes) {
        const axis = this.axes.get(id);
        axis?.restore(restored);
        // The crash skipped the shutdown hold: a latched axis is held again where it stands, as its trip did.
        if (axis?.latchedTrip) this.track(this.actions.hold(axis, 'trip'));
      }
      if (restoredAnything(this.restored.report))
        this.events.emit({ type: 'line_restored', atMs: this.clock.now(), ...this.restored.report });
    }
    this.scheduleTick();
  }

  /**
   * Supervision ticks completed so far: advances once every `periodMs` while the cycle runs, and
   * stands still before `start`, after `stop`, or when a tick fails. A cheap liveness signal (the
   * systemd watchdog pets only while it advances).
   */
  get ticks(): number {
    return this.tickCount;
  }

  /** True once `stop` was called: no new tick starts, every axis is being held. */
  isStopping(): boolean {
    return this.stopping;
  }

  /** True when every job is done or parked. */
  isSettled(): boolean {
    return this.board.isSettled();
  }

  jobs(): JobView[] {
    return this.board.jobs();
  }

  snapshot(): AxisSnapshot[] {
    const jobs = this.board.jobs();
    return [...this.axes.values()].map((axis) => snapshotOf(axis, jobs));
  }

  /**
   * The link to these axes' drives is back (their bus port was reopened): their breakers may probe
   * at the next cycle instead of waiting out a cooldown that grew while the port was gone. Probes
   * are read-only, and recovery re-syncs before anything moves, as always.
   */
  probeSoon(axisIds: readonly string[]): void {
    for (const id of axisIds) this.axis(id).breaker.endCooldown();
  }

  /** Read-only detail of one axis (sample, breaker, latch). Throws a RangeError naming the known ids for an unknown one. */
  axisDetail(axisId: string): AxisDetail {
    return detailOf(this.axis(axisId), this.board.jobs());
  }

  /** Stops the cycle and holds every axis; resolves once every hold and in-flight task has settled. */
  async stop(reason: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.ticker?.dispose();
    // As many tries as the breaker gives a drive before it gives up on it.
    const attempts = (axis: AxisRuntime) => axis.setup.breaker.consecutiveFailures;
    await Promise.all([...this.axes.values()].map((axis) => this.actions.hold(axis, 'shutdown', attempts(axis))));
    await Promise.allSettled([...this.tasks]);
    this.events.emit({ type: 'stop', atMs: this.clock.now(), reason });
  }

  private axis(axisId: string): AxisRuntime {
    const axis = this.axes.get(axisId);
    if (!axis) throw new RangeError(`no axis '${axisId}' (known: ${[...this.axes.keys()].join(', ')})`);
    return axis;
  }

  private scheduleTick(): void {
    const dueMs = this.clock.now() + this.periodMs;
    this.ticker = this.clock.setTimer(() => {
      if (this.stopping) return;
      this.stalls.timerRan(dueMs);
      const tickAtMs = this.clock.now();
      const started: Promise<void>[] = [];
      for (const axis of this.axes.values()) {
        if (axis.busy) this.owed.add(axis);
        else started.push(this.serviceTask(axis));
      }
      if (this.cycles.hasListeners) {
        void Promise.all(started).then(() =>
          this.cycles.emit({ tickAtMs, durationMs: this.clock.now() - tickAtMs, tasks: started.length }),
        );
      }
      this.tickCount += 1;
      this.scheduleTick();
    }, this.periodMs);
  }

  /**
   * One cycle task of `axis`. An axis that was busy when a tick came (its drive slow, or the bus
   * behind) gets that tick's task as soon as it is free rather than at the next tick: waiting a
   * whole period more would stretch the time its drive goes without a request.
   */
  private serviceTask(axis: AxisRuntime): Promise<void> {
    return this.track(
      axis.runExclusive(() => this.cycle.service(axis)),
      () => {
        if (this.owed.delete(axis) && !this.stopping && !axis.busy) void this.serviceTask(axis);
      },
    );
  }

  /**
   * Keeps a background task for `stop` to wait on; a programming error in it is reported as fatal.
   * `then` runs once it has succeeded. Returns the guarded task, which never rejects.
   */
  private track(task: Promise<void>, then?: () => void): Promise<void> {
    // One reaction for both outcomes and `then` (each axis's task of every cycle comes through here).
    const guarded: Promise<void> = task.then(
      () => {
        this.tasks.delete(guarded);
        then?.();
      },
      (error: unknown) => {
        this.tasks.delete(guarded);
        this.fatalErrors.emit(error);
      },
    );
    this.tasks.add(guarded);
    return guarded;
  }

  /** Breaker closed -> open: ErrorStop, hold at once, hand the axis's jobs on. */
  private onTrip(axis: AxisRuntime, reason: TripReason, detail: string): void {
    const latched = LATCHING_TRIPS.has(reason) || axis.setup.recovery === 'manual';
    axis.trip(reason, detail, latched);
    // A stall of ours within the time the breaker judges over (and the call before it) may be what
    // made the drive look dead, or made its own watchdog hold it: the trip says so, so nobody
    // replaces a good drive.
    const judgedOverMs = maxUnobservedMs(axis, this.periodMs) + axis.setup.timeoutMs;
    const stall = LATCHING_TRIPS.has(reason) ? undefined : this.stalls.recentStall(judgedOverMs);
    const ownStall = stall ? { ownStallMs: Math.round(stall.lengthMs) } : {};
    const kind = stall && stallKind(stall);
    const told = stall
      ? `${detail}; the supervisor itself had stalled for ${Math.round(stall.lengthMs)} ms just before (our delay, not the drive's${kind ? `; ${kind}` : ''})`
      : detail;
    const row = axis.breaker.tripRowAtMs;
    const failedCalls = row ? { failedCallsAtMs: row.map((atMs) => Math.round(atMs * 10) / 10) } : {};
    this.events.emit({ type: 'trip', atMs: this.clock.now(), axis: axis.id, reason, detail: told, latched, ...ownStall, ...failedCalls });
    this.track(this.actions.hold(axis, 'trip'));
    this.handOffJobs(axis);
  }

  private handOffJobs(axis: AxisRuntime): void {
    const fallback = axis.setup.fallback === undefined ? undefined : this.axes.get(axis.setup.fallback);
    const candidate: FallbackCandidate | undefined = fallback && {
      id: fallback.id,
      limits: fallback.setup.limits,
      unavailableBecause: unavailability(fallback),
    };
    const atMs = this.clock.now();
    for (const outcome of this.board.handOff(axis.id, atMs, (remaining, first) => decideHandOff(remaining, first, candidate))) {
      if (outcome.kind === 'transferred') {
        const t = outcome.transfer;
        this.events.emit({ type: 'transfer', atMs, job: outcome.job.id, from: t.from, to: t.to, fromMove: t.fromMove });
      } else {
        this.events.emit({ type: 'job_parked', atMs, job: outcome.job.id, axis: axis.id, reason: outcome.job.parkedReason ?? 'parked' });
      }
    }
  }
}

function unavailability(axis: AxisRuntime): string | undefined {
  if (axis.breaker.state !== 'closed') return `its breaker is ${axis.breaker.state}`;
  if (!acceptsWork(axis.state)) return `it is in ${axis.state}`;
  // A draining axis hands its queue on itself; taking another's would only pass the work back and forth.
  if (axis.health.draining) return 'it is degraded and draining its own queue';
  return undefined;
}
