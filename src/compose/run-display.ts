import type { BusDown } from '../events/status-table.ts';
import type { RunEvent } from '../events/events.ts';
import type { AxisSnapshot } from '../supervisor/snapshot.ts';

/** The running line's status, read whenever a display draws it. */
export interface LineStatus {
  /** Since the line was built, ms on the run's clock. */
  elapsedMs(): number;
  axes(): readonly AxisSnapshot[];
  /** Buses whose port is not open now, in the order they went down. */
  busesDown(): readonly BusDown[];
}

/**
 * Where a running line shows itself besides its journal and log: the caller's (the CLI's live
 * table on a terminal, or one JSON event per line).
 */
export interface RunDisplay {
  /** A live table on a terminal: the log, when it goes to that terminal too, keeps to error and fatal beside it. */
  readonly live: boolean;
  /** Every record of the run, after the journal has it. */
  show(event: RunEvent): void;
  /** The line is built: its status may be drawn from now on. */
  watch(status: LineStatus): void;
  /** Serving has ended: no more drawing on a timer (no timer of the run may keep the process alive). */
  stop(): void;
}
