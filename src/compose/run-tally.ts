import { assertNever } from '../common/never.ts';
import type { JobView } from '../line/job-board.ts';
import type { BusEvent, RunSummary, SupervisorEvent } from '../events/events.ts';
import type { BusDown } from '../events/status-table.ts';

/**
 * Collects what the closing summary (and the live table's bus lines) need from the run's events
 * as they come: cheap, a few rare event types, any other event is ignored. `summary` sums it up
 * with the jobs at the end.
 */
export class RunTally {
  private readonly trips = new Map<string, number>();
  private readonly lastHoldConfirmed = new Map<string, boolean>();
  /** The first reason each bus did not open, kept once it opened (the summary's "never opened" needs it). */
  private readonly firstOpenFailure = new Map<string, string>();
  private readonly opened = new Set<string>();
  private readonly down = new Map<string, BusDown>();

  observe(event: { readonly type: string }): void {
    const e = event as SupervisorEvent | BusEvent;
    switch (e.type) {
      case 'trip':
        this.trips.set(e.reason, (this.trips.get(e.reason) ?? 0) + 1);
        return;
      case 'hold':
        // The last hold of an axis says how it was left: a hold not confirmed and then confirmed is confirmed.
        this.lastHoldConfirmed.set(e.axis, e.acknowledged);
        return;
      case 'bus':
        this.observeBus(e);
        return;
    }
  }

  /** Buses whose port is not open now, in the order they went down. */
  busesDown(): BusDown[] {
    return [...this.down.values()];
  }

  /**
   * The closing summary. `jobs` as the run left them: `interrupted` lists every job still queued or
   * running (the run ended before it did), `notStarted` those of them that had not begun a move.
   */
  summary(reason: string, jobs: readonly JobView[]): RunSummary {
    const open = jobs.filter((j) => j.status === 'queued' || j.status === 'running');
    return {
      reason,
      jobs: {
        total: jobs.length,
        done: jobs.filter((j) => j.status === 'done').length,
        parked: jobs.filter((j) => j.status === 'parked').map((j) => j.id),
        interrupted: open.map((j) => j.id),
        notStarted: open.filter((j) => j.status === 'queued' && j.movesDone === 0).map((j) => j.id),
      },
      trips: Object.fromEntries(this.trips),
      holdsNotConfirmed: [...this.lastHoldConfirmed].filter(([, confirmed]) => !confirmed).map(([axis]) => axis),
      busesNotOpened: [...this.firstOpenFailure].filter(([bus]) => !this.opened.has(bus)).map(([bus, why]) => ({ bus, why })),
    };
  }

  private observeBus(e: BusEvent): void {
    switch (e.state) {
      case 'open':
        this.opened.add(e.bus);
        this.down.delete(e.bus);
        return;
      case 'open_failed': {
        const detail = e.detail ?? 'the port did not open';
        if (!this.firstOpenFailure.has(e.bus)) this.firstOpenFailure.set(e.bus, detail);
        // A port lost and not yet back stays `lost`, with the newest reason.
        const state = this.down.get(e.bus)?.state ?? (this.opened.has(e.bus) ? 'lost' : 'not_opened');
        this.down.set(e.bus, { bus: e.bus, state, detail });
        return;
      }
      case 'lost':
        this.down.set(e.bus, { bus: e.bus, state: 'lost', detail: e.detail ?? 'the port went away' });
        return;
      default:
        return assertNever(e.state, 'bus state');
    }
  }
}
