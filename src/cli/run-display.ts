import type { LineStatus, RunDisplay } from '../compose/run-display.ts';
import { isNotable, type RunEvent } from '../events/events.ts';
import { renderStatus, wrapToWidth, type ShutdownHold, type TableEvent } from '../events/status-table.ts';
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
  private readonly recent: TableEvent[] = [];
  /** Axes held at shutdown and whether their drive confirmed it: the last frame says so. */
  private readonly shutdownHolds = new Map<string, ShutdownHold>();
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
    if (!this.view) {
      this.out.write(`${JSON.stringify(event)}\n`);
      return;
    }
    if (event.type === 'hold' && event.cause === 'shutdown')
      this.shutdownHolds.set(event.axis, event.acknowledged ? 'confirmed' : 'not confirmed');
    // The story of the run, and every breaker and bus change (a breaker's recovery is not notable elsewhere).
    if (event.type === 'breaker' || event.type === 'bus' || isNotable(event)) {
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
    const width = this.out.columns ?? 80;
    view.draw([
      ...renderStatus(status.elapsedMs(), status.axes(), this.recent, status.busesDown(), { width, shutdownHolds: this.shutdownHolds }),
      // The closing summary is read whole: wrapped, never cut, and never wider than the terminal (a wider line would wrap and break the redraw).
      ...(finalLines.length ? ['', ...finalLines.flatMap((line) => wrapToWidth(line, width))] : []),
    ]);
  }
}
