import type { Clock } from '../common/clock.ts';
import type { EventEmitter, Event } from '../common/event.ts';
import type { BusEvent } from '../events/events.ts';
import type { PortClosedError } from '../../protocols/errors.ts';

/** Port re-open backoff: a replugged USB adapter is back within a second or two; a dead one costs little. */
const REOPEN_FIRST_MS = 500;
const REOPEN_MAX_MS = 10_000;

/** What a port keeper needs of a master: opening its port, and hearing when it is lost. */
export interface KeptPort {
  open(): Promise<void>;
  readonly onPortLost: Event<PortClosedError>;
}

export type BusReport = (state: BusEvent['state'], detail?: string, retryInMs?: number) => void;

/** Reports a bus's connection changes as `bus` events on `events`. */
export function busReporter(events: EventEmitter<BusEvent>, bus: string, clock: Clock): BusReport {
  return (state, detail, retryInMs) =>
    events.emit({
      type: 'bus',
      atMs: clock.now(),
      bus,
      state,
      ...(detail ? { detail } : {}),
      ...(retryInMs ? { retryInMs } : {}),
    });
}

/**
 * Keeps a serial port open (an RTU bus, a bus-servo line): opens it at start, and after a loss (USB adapter pulled, pty closed) tries
 * again with a doubling backoff. Axes on the port trip meanwhile (their calls fail with port_lost)
 * and re-sync through their breakers once it is back.
 */
export class PortKeeper {
  private retryMs = REOPEN_FIRST_MS;
  private timer: { dispose(): void } | undefined;
  private stopped = false;

  constructor(
    private readonly master: KeptPort,
    private readonly clock: Clock,
    private readonly report: BusReport,
  ) {
    master.onPortLost((error) => {
      this.report('lost', error.message, this.retryMs);
      this.schedule();
    });
  }

  start(): Promise<void> {
    return this.attempt();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.dispose();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer?.dispose();
    this.timer = this.clock.setTimer(() => void this.attempt(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, REOPEN_MAX_MS);
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.master.open();
      this.retryMs = REOPEN_FIRST_MS;
      this.report('open');
    } catch (error) {
      this.report('open_failed', error instanceof Error ? error.message : String(error), this.retryMs);
      this.schedule();
    }
  }
}
