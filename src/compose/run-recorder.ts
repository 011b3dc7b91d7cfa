import type { Logger } from 'pino';
import type { RunEvent } from '../events/events.ts';
import type { Journal } from '../journal/index.ts';
import { logEvent } from '../observability/index.ts';
import type { DurableLine } from './durable-line.ts';
import type { RunDisplay } from './run-display.ts';
import { RunTally } from './run-tally.ts';

/**
 * The run's one way to record an event, in this order: the journal, the closing summary's tally, the
 * durable line state, the log, the display (JSON lines or the live table's recent events).
 */
export class RunRecorder {
  /** What the closing summary and the live table's bus lines need from the events so far. */
  readonly tally = new RunTally();
  /** Undefined once closed: an event after run_end (there should be none) is still shown and logged, never a journal write error. */
  private journal: Journal | undefined;

  constructor(
    journal: Journal | undefined,
    private readonly durable: DurableLine,
    private readonly logger: Logger,
    private readonly display: RunDisplay,
  ) {
    this.journal = journal;
  }

  readonly record = (event: RunEvent): void => {
    this.journal?.append(event);
    this.tally.observe(event);
    // After the append: a rotation's checkpoint is the state before this event, which follows it.
    this.durable.tracker.apply({ ...event, time: new Date().toISOString() });
    logEvent(this.logger, event);
    this.display.show(event);
  };

  /** Closes the journal: the run has recorded its last record. */
  close(): void {
    this.journal?.close();
    this.journal = undefined;
  }
}
