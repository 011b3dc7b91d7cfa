import type { JobView } from '../line/job-board.ts';
import { EXIT_INCOMPLETE, EXIT_OK } from './exit-codes.ts';
import type { BusEvent, RunSummary, SupervisorEvent } from '../events/events.ts';

/**
 * Collects what the summary needs from the run's events as they come (cheap: a few rare event
 * types), and sums it up with the jobs at the end.
 */
export class RunTally {
  private readonly trips = new Map<string, number>();
  private readonly lastHoldConfirmed = new Map<string, boolean>();
  private readonly busFailures = new Map<string, string>();
  private readonly opened = new Set<string>();

  observe(event: SupervisorEvent | BusEvent | { readonly type: string }): void {
    const e = event as SupervisorEvent | BusEvent;
    switch (e.type) {
      case 'trip':
        this.trips.set(e.reason, (this.trips.get(e.reason) ?? 0) + 1);
        return;
      case 'hold':
        this.lastHoldConfirmed.set(e.axis, e.acknowledged);
        return;
      case 'bus':
        if (e.state === 'open') this.opened.add(e.bus);
        else if (e.state === 'open_failed' && !this.busFailures.has(e.bus))
          this.busFailures.set(e.bus, e.detail ?? 'the port did not open');
        return;
    }
  }

  summary(reason: string, jobs: readonly JobView[]): RunSummary {
    const interrupted = jobs.filter((j) => j.status === 'running' || (j.status === 'queued' && j.movesDone > 0));
    return {
      reason,
      jobs: {
        total: jobs.length,
        done: jobs.filter((j) => j.status === 'done').length,
        parked: jobs.filter((j) => j.status === 'parked').map((j) => j.id),
        interrupted: interrupted.map((j) => j.id),
        notStarted: jobs.filter((j) => j.status === 'queued' && j.movesDone === 0).map((j) => j.id),
      },
      trips: Object.fromEntries(this.trips),
      holdsNotConfirmed: [...this.lastHoldConfirmed].filter(([, confirmed]) => !confirmed).map(([axis]) => axis),
      busesNotOpened: [...this.busFailures].filter(([bus]) => !this.opened.has(bus)).map(([bus, why]) => ({ bus, why })),
    };
  }
}

/** 0 only when every job is done and every hold confirmed; EXIT_INCOMPLETE otherwise. */
export function exitCodeOf(summary: RunSummary): number {
  const { jobs, holdsNotConfirmed } = summary;
  return jobs.done === jobs.total && holdsNotConfirmed.length === 0 ? EXIT_OK : EXIT_INCOMPLETE;
}

/** The summary as a few plain lines, for under the table and the log. */
export function describeSummary(s: RunSummary): string[] {
  const { jobs } = s;
  const trips = Object.entries(s.trips);
  const list = (ids: readonly string[]) => (ids.length > 0 ? ` (${ids.join(', ')})` : '');
  return [
    `run ended: ${s.reason}`,
    `  jobs: ${jobs.done}/${jobs.total} done, ${jobs.parked.length} parked${list(jobs.parked)}, ${jobs.interrupted.length} interrupted${list(jobs.interrupted)}, ${jobs.notStarted.length} not started`,
    `  trips: ${trips.length === 0 ? 'none' : trips.map(([reason, n]) => `${reason} x${n}`).join(', ')}`,
    `  holds not confirmed: ${s.holdsNotConfirmed.length === 0 ? 'none' : s.holdsNotConfirmed.join(', ')}`,
    ...s.busesNotOpened.map((b) => `  bus ${b.bus} never opened: ${b.why}`),
  ];
}
