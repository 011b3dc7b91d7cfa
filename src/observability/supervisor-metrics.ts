import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AxisState } from '../axis/axis-state.ts';
import type { BreakerState } from '../breaker/transition.ts';
import type { Disposable } from '../common/disposable.ts';
import type { JobStatus } from '../line/job-board.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';
import { mirrorCounter } from './mirror-counter.ts';

/** What the metrics read from a supervisor: read-only calls and events, never an operator action. */
export type ObservedSupervisor = Pick<Supervisor, 'onCycle' | 'snapshot' | 'axisDetail' | 'jobs' | 'stalls'>;

/** The value of `axisguard_breaker_state`: higher is worse, so `> 0` means "not closed". */
export const BREAKER_STATE_VALUE: Readonly<Record<BreakerState, number>> = { closed: 0, half_open: 1, open: 2 };

/** Every PLCopen state, checked complete by the compiler. */
const AXIS_STATES = Object.keys({ Disabled: 0, Standstill: 0, DiscreteMotion: 0, Stopping: 0, ErrorStop: 0 } satisfies Record<
  AxisState,
  0
>) as AxisState[];
const JOB_STATUSES = Object.keys({ queued: 0, running: 0, done: 0, parked: 0 } satisfies Record<JobStatus, 0>) as JobStatus[];

/** From one tick to all its axis tasks settled: a healthy cycle is a few ms; a resync or a timeout, tens to hundreds. */
const CYCLE_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Registers the line's metrics on `registry`: per-axis breaker, axis state, following error, job
 * counts and the supervision cycle time. State and the breakers' own counters are read at scrape
 * time; cycle durations come from `onCycle`. Dispose to unsubscribe.
 */
export function registerSupervisorMetrics(registry: Registry, supervisor: ObservedSupervisor): Disposable {
  const registers = [registry];
  const details = () => supervisor.snapshot().map((s) => supervisor.axisDetail(s.id));

  new Gauge({
    name: 'axisguard_breaker_state',
    help: 'Breaker of each axis: 0 closed, 1 half_open, 2 open (an isolated breaker is open)',
    labelNames: ['axis'],
    registers,
    collect() {
      for (const d of details()) this.set({ axis: d.snapshot.id }, BREAKER_STATE_VALUE[d.breaker.state]);
    },
  });
  new Counter({
    name: 'axisguard_breaker_trips_total',
    help: 'Breaker openings by axis and reason (probe_failed: re-opened from half_open)',
    labelNames: ['axis', 'reason'],
    registers,
    collect() {
      mirrorCounter(
        this,
        details().flatMap((d) =>
          Object.entries(d.breaker.counters.trips).map(([reason, n]) => [{ axis: d.snapshot.id, reason }, n] as const),
        ),
      );
    },
  });
  new Counter({
    name: 'axisguard_breaker_rejections_total',
    help: 'Motion refused because the axis breaker was not closed',
    labelNames: ['axis'],
    registers,
    collect() {
      mirrorCounter(
        this,
        details().map((d) => [{ axis: d.snapshot.id }, d.breaker.counters.rejections] as const),
      );
    },
  });
  new Gauge({
    name: 'axisguard_axis_state',
    help: 'PLCopen state of each axis: 1 for the current state, 0 for the others',
    labelNames: ['axis', 'state'],
    registers,
    collect() {
      for (const s of supervisor.snapshot()) for (const state of AXIS_STATES) this.set({ axis: s.id, state }, s.state === state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'axisguard_following_error_mm',
    help: 'Following error of each axis in its last status sample, mm (absent before the first sample)',
    labelNames: ['axis'],
    registers,
    collect() {
      for (const s of supervisor.snapshot()) if (s.followingErrorMm !== undefined) this.set({ axis: s.id }, s.followingErrorMm);
    },
  });
  new Gauge({
    name: 'axisguard_axis_position_mm',
    help: 'Actual position of each axis in its last status sample, mm (absent before the first sample)',
    labelNames: ['axis'],
    registers,
    collect() {
      for (const s of supervisor.snapshot()) if (s.positionMm !== undefined) this.set({ axis: s.id }, s.positionMm);
    },
  });
  new Gauge({
    name: 'axisguard_axis_latched',
    help: 'Axis in ErrorStop after a latched trip (following error, alarm, isolation): 1 until a technician resets it',
    labelNames: ['axis'],
    registers,
    collect() {
      for (const d of details()) this.set({ axis: d.snapshot.id }, d.latchedTrip ? 1 : 0);
    },
  });
  new Gauge({
    name: 'axisguard_hold_unconfirmed',
    help: 'A hold was sent to the axis and its drive has not confirmed it yet: 1 while so',
    labelNames: ['axis'],
    registers,
    collect() {
      for (const d of details()) this.set({ axis: d.snapshot.id }, d.holdPending ? 1 : 0);
    },
  });
  new Gauge({
    name: 'axisguard_jobs',
    help: 'Jobs by status: queued, running, done, parked',
    labelNames: ['status'],
    registers,
    collect() {
      const jobs = supervisor.jobs();
      for (const status of JOB_STATUSES) this.set({ status }, jobs.filter((j) => j.status === status).length);
    },
  });
  new Counter({
    name: 'axisguard_stalls_total',
    help: 'Stalls of the supervisor process itself: its cycle timer ran late by the stall threshold or more (GC, blocked I/O, CPU starvation)',
    registers,
    collect() {
      mirrorCounter(this, [[{}, supervisor.stalls.stallCount] as const]);
    },
  });
  new Counter({
    name: 'axisguard_own_delay_seconds_total',
    help: 'Time the supervisor process lost to its own lateness (beyond 2 ms of timer jitter), s; left out of what drives are blamed for',
    registers,
    collect() {
      mirrorCounter(this, [[{}, supervisor.stalls.totalLostMs / 1000] as const]);
    },
  });
  const cycle = new Histogram({
    name: 'axisguard_supervision_cycle_duration_seconds',
    help: 'From a supervision tick until every axis task it started has settled, s (clock time: virtual under --virtual)',
    buckets: CYCLE_BUCKETS_S,
    registers,
  });
  return supervisor.onCycle((report) => cycle.observe(report.durationMs / 1000));
}
