import type { Board, IoPlugin } from 'johnny-five';
import type { Clock } from '../../src/common/clock.ts';
import { withDeadline } from '../../src/common/deadline.ts';
import type { Disposable } from '../../src/common/disposable.ts';
import { EventEmitter } from '../../src/common/event.ts';
import { assertNever } from '../../src/common/never.ts';
import { DriveCommError } from '../errors.ts';
import type { JohnnyFive } from './load-johnny-five.ts';
import { FirmataBoard, type ReadyBoard } from './ready-board.ts';

type LinkState =
  | { readonly kind: 'idle' } // not connected yet (BoardPool.open not called)
  | { readonly kind: 'connecting'; readonly io: IoPlugin }
  | { readonly kind: 'ready'; readonly io: IoPlugin; readonly board: ReadyBoard }
  | { readonly kind: 'lost'; readonly io: IoPlugin | undefined; readonly reason: string }
  | { readonly kind: 'closed' };

/** IO plugin and Board events that mean the board is gone. Board 'error'/'fail' must be listened to anyway: unheard, 'error' throws. */
const IO_LOSS_EVENTS = ['close', 'disconnect', 'error'] as const;
const BOARD_LOSS_EVENTS = ['error', 'fail'] as const;

/** Text of an error, a johnny-five log record ({ message }) or anything else an event carries. */
function describe(detail: unknown): string {
  if (detail instanceof Error) return detail.message;
  const message = (detail as { message?: unknown } | null | undefined)?.message;
  if (typeof message === 'string') return message;
  return detail === undefined ? '' : String(detail);
}

/** Why the board is lost, e.g. `IO plugin 'close'` or `board 'fail': No connected device found`. */
const lossReason = (source: string, event: string, detail: unknown): string => {
  const text = describe(detail);
  return text === '' ? `${source} '${event}'` : `${source} '${event}': ${text}`;
};

/**
 * One Arduino (Firmata) on one serial port, through one johnny-five Board, shared by every servo on
 * it. States: idle → connecting → ready, and lost or closed from any of them; there is no way back
 * (a lost board stays lost until axisguard restarts). The board is lost when its IO plugin reports
 * 'close', 'disconnect' or 'error', or the Board 'error' or 'fail'.
 */
export class BoardLink {
  private state: LinkState = { kind: 'idle' };
  private readonly changes = new EventEmitter<LinkState>();

  constructor(
    /** Serial device of the board, e.g. /dev/ttyACM0. */
    readonly port: string,
    private readonly clock: Clock,
  ) {}

  /** Whether the board is past connecting: ready, lost or closed. */
  get isSettled(): boolean {
    return this.state.kind !== 'idle' && this.state.kind !== 'connecting';
  }

  /** Starts a johnny-five Board on `io`, which the caller has just made for this port. Once; later calls do nothing. */
  connect(five: JohnnyFive, io: IoPlugin): void {
    if (this.state.kind !== 'idle') return;
    this.transition({ kind: 'connecting', io });
    for (const event of IO_LOSS_EVENTS) io.on(event, (detail: unknown) => this.lose(lossReason('IO plugin', event, detail)));
    let board: Board;
    try {
      board = new five.Board({ io, repl: false, debug: false, sigint: false });
    } catch (error) {
      this.lose(`johnny-five refused the board: ${describe(error)}`);
      return;
    }
    for (const event of BOARD_LOSS_EVENTS) board.on(event, (detail: unknown) => this.lose(lossReason('board', event, detail)));
    board.once('ready', () => {
      if (this.state.kind !== 'connecting') return;
      const ready = new FirmataBoard(five, board, io, this.port, this.clock, () => this.state.kind === 'ready');
      this.transition({ kind: 'ready', io, board: ready });
    });
  }

  /** Marks the board lost (e.g. its IO plugin could not be made). Nothing after lost or closed. */
  lose(reason: string): void {
    if (this.state.kind === 'lost' || this.state.kind === 'closed') return;
    this.transition({ kind: 'lost', io: this.state.kind === 'idle' ? undefined : this.state.io, reason });
  }

  /** Calls `listener` once, when the board is no longer idle or connecting. Dispose to stop waiting. */
  onSettled(listener: () => void): Disposable {
    const subscription = this.changes.event(() => {
      if (!this.isSettled) return;
      subscription.dispose();
      listener();
    });
    return subscription;
  }

  /**
   * Runs `work` on the ready board and settles by `deadlineMs`. While the board is not ready yet,
   * waits for it; if the deadline comes first, rejects with DriveCommError 'timeout' and `work` never
   * runs (a board that turns ready later does not get a stale command). Rejects with 'port_lost' when
   * the board is or becomes lost or closed. `what` starts the messages, e.g. `pan (pin 9): moveTo`.
   */
  run<T>(what: string, deadlineMs: number, work: (board: ReadyBoard) => T | Promise<T>): Promise<T> {
    let expired = false;
    let started = false;
    let subscription: Disposable | undefined;
    const attempt = new Promise<T>((resolve, reject) => {
      const onState = (state: LinkState): void => {
        switch (state.kind) {
          case 'idle':
          case 'connecting':
            return;
          case 'ready':
            if (started || expired) return;
            started = true;
            try {
              Promise.resolve(work(state.board)).then(resolve, reject);
            } catch (error) {
              reject(error);
            }
            return;
          case 'lost':
            reject(new DriveCommError('port_lost', `${what}: board on ${this.port} lost (${state.reason})`));
            return;
          case 'closed':
            reject(new DriveCommError('port_lost', `${what}: board on ${this.port} closed`));
            return;
          default:
            assertNever(state, 'board link state');
        }
      };
      subscription = this.changes.event(onState);
      onState(this.state);
    });
    const late = (): Error => {
      expired = true;
      const why = started ? 'not done' : `board on ${this.port} not ready (${this.state.kind})`;
      return new DriveCommError('timeout', `${what}: ${why} by its deadline (t=${deadlineMs.toFixed(1)} ms)`);
    };
    return withDeadline(this.clock, attempt, deadlineMs, late).finally(() => subscription?.dispose());
  }

  /**
   * Closes the board's serial port (Firmata's transport), if it has one. The Arduino keeps sending
   * the last pulse widths: servos stay where they are, powered. Idempotent.
   */
  async close(): Promise<void> {
    const state = this.state;
    if (state.kind === 'closed') return;
    this.transition({ kind: 'closed' });
    const transport = state.kind === 'idle' ? undefined : state.io?.transport;
    if (!transport) return;
    await new Promise<void>((resolve) => {
      try {
        transport.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }

  private transition(next: LinkState): void {
    this.state = next;
    this.changes.emit(next);
  }
}
