import type { AxisState } from '../axis/axis-state.ts';
import type { Clock } from '../common/clock.ts';
import { disposableOnce, type Disposable } from '../common/disposable.ts';
import type { Event } from '../common/event.ts';
import type { JobView } from '../line/job-board.ts';
import type { AxisSnapshot } from '../supervisor/snapshot.ts';
import type { SupervisorEvent } from '../events/events.ts';

/**
 * The axes that have not come up yet. Axes start Disabled; an axis is up once it has left Disabled,
 * which happens only in two ways: powered after a confirmed re-sync (Standstill, and from there
 * DiscreteMotion or Stopping: the drive's target equals its actual position, checked at rest), or
 * tripped (ErrorStop: held, its jobs handed on, and supervised from then on). Either way the
 * supervisor is in charge of the axis; an axis still Disabled has not been reached yet.
 */
export function axesNotUp(snapshot: readonly AxisSnapshot[]): string[] {
  return snapshot.filter((axis) => axis.state === 'Disabled').map((axis) => axis.id);
}

/** States that name their axes in the summary: the ones a technician should look at. */
const NAMED_STATES: ReadonlySet<AxisState> = new Set(['Disabled', 'ErrorStop', 'Stopping']);
const STATE_ORDER: readonly AxisState[] = ['Standstill', 'DiscreteMotion', 'Stopping', 'ErrorStop', 'Disabled'];

/**
 * One short line for `systemctl status`, e.g.
 * `5/5 axes up: Standstill 3, DiscreteMotion 1, ErrorStop pickA; jobs: 2 done, 0 parked, 3 open`.
 */
export function statusSummary(snapshot: readonly AxisSnapshot[], jobs: readonly JobView[]): string {
  const up = snapshot.length - axesNotUp(snapshot).length;
  const states = STATE_ORDER.flatMap((state) => {
    const ids = snapshot.filter((axis) => axis.state === state).map((axis) => axis.id);
    if (ids.length === 0) return [];
    return [NAMED_STATES.has(state) ? `${state} ${ids.join(' ')}` : `${state} ${ids.length}`];
  });
  const count = (status: JobView['status']) => jobs.filter((job) => job.status === status).length;
  const open = jobs.length - count('done') - count('parked');
  return `${up}/${snapshot.length} axes up: ${states.join(', ')}; jobs: ${count('done')} done, ${count('parked')} parked, ${open} open`;
}

export interface ReadinessOptions {
  readonly clock: Clock;
  /** Longest wait for every axis to come up, ms; after it the line is declared ready anyway. */
  readonly boundMs: number;
  readonly snapshot: () => readonly AxisSnapshot[];
  readonly onEvent: Event<SupervisorEvent>;
  /** Called exactly once: when every axis is up (`notUp` empty), or at the bound with the axes still down. */
  readonly onReady: (notUp: readonly string[]) => void;
}

/**
 * Watches a starting line until every axis is up (see axesNotUp), re-checking after each re-sync
 * and trip, or until `boundMs` has passed. A late axis does not hold up the line: the others are
 * already supervised and working, and a service that never reports ready would be killed and
 * restarted by systemd, holding every axis for the sake of one. Dispose to stop watching.
 */
export function watchReadiness(options: ReadinessOptions): Disposable {
  let subscription: Disposable | undefined;
  let bound: Disposable | undefined;
  const finish = disposableOnce(() => {
    subscription?.dispose();
    bound?.dispose();
  });
  const declare = (notUp: readonly string[]) => {
    finish.dispose();
    options.onReady(notUp);
  };
  const check = () => {
    if (axesNotUp(options.snapshot()).length === 0) declare([]);
  };
  // The two ways out of Disabled end in these events, emitted after the state change: a power-up's
  // re-sync (`resync`), a trip's ErrorStop (`trip`).
  subscription = options.onEvent((event) => {
    if (event.type === 'resync' || event.type === 'trip') check();
  });
  bound = options.clock.setTimer(() => declare(axesNotUp(options.snapshot())), options.boundMs);
  check();
  return finish;
}
