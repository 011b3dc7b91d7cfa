import type { LineStatus, RunDisplay } from '../compose/run-display.ts';
import { isNotable, type RunEvent, type SupervisorEvent } from '../events/events.ts';
import { renderStatus } from '../events/status-table.ts';
import { LiveStatusView } from './live-status-view.ts';

const RECENT_EVENTS = 12;
const REDRAW_MS = 100;

/**
 * How `axisguard run` shows its line: on a terminal (and without --json) a live table, redrawn
 * every REDRAW_MS on real time, with the latest notable events under it; otherwise one JSON event
 * per line on `out`.
 */
export class TerminalRunDisplay implements RunDisplay {
  readonly live: boolean;
  private readonly view: LiveStatusView | undefined;
  private readonly recent: SupervisorEvent[] = [];
  private status: LineStatus | undefined;
  private redraw: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly out: NodeJS.WriteStream,
    json: boolean,
    private readonly virtual: boolean,
  ) {
    this.view = out.isTTY && !json ? new LiveStatusView(out) : undefined;
    this.live = this.view !== undefined;
  }

  show(event: RunEvent): void {
    if (!this.view) this.out.write(`${JSON.stringify(event)}\n`);
    else if (isNotable(event)) {
      this.recent.unshift(event);
      this.recent.length = Math.min(this.recent.length, RECENT_EVENTS);
    }
  }

  watch(status: LineStatus): void {
    this.status = status;
    if (this.view && !this.virtual) this.redraw = setInterval(() => this.draw([]), REDRAW_MS);
  }

  stop(): void {
    if (this.redraw) clearInterval(this.redraw);
    this.redraw = undefined;
  }

  /** The table's last frame, with `lines` (the closing summary) under it. */
  finish(lines: readonly string[]): void {
    this.draw(lines);
  }

  private draw(finalLines: readonly string[]): void {
    const { view, status } = this;
    if (!view || !status) return;
    view.draw([
      ...renderStatus(status.elapsedMs(), status.axes(), this.recent, status.busesDown()),
      ...(finalLines.length ? ['', ...finalLines] : []),
    ]);
  }
}
