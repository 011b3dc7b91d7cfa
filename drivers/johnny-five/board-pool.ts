import type { Clock } from '../../src/common/clock.ts';
import type { Disposable } from '../../src/common/disposable.ts';
import { BoardLink } from './board-link.ts';
import type { LoadJohnnyFive } from './load-johnny-five.ts';

/**
 * How long open() waits for the boards to become ready, ms. An Arduino Uno resets when its port
 * opens: about 2 s of bootloader, then StandardFirmata reports its version and pin capabilities.
 */
export const DEFAULT_READY_WAIT_MS = 5000;

/**
 * The boards of a line, one per serial port, shared by every servo on the same port. Holds
 * johnny-five at arm's length: nothing is loaded until open(), and open() loads nothing when no
 * servo asked for a board, so a line without hobby servos never imports johnny-five.
 */
export class BoardPool {
  private readonly links = new Map<string, BoardLink>();
  private opened = false;

  constructor(
    private readonly clock: Clock,
    private readonly load: LoadJohnnyFive,
    private readonly readyWaitMs = DEFAULT_READY_WAIT_MS,
  ) {}

  /** The board on `port`, made on first request (idle until open()). */
  link(port: string): BoardLink {
    let link = this.links.get(port);
    if (!link) {
      link = new BoardLink(port, this.clock);
      this.links.set(port, link);
    }
    return link;
  }

  /**
   * Loads johnny-five, makes an IO plugin per board (which opens its port) and connects it; resolves
   * when every board is ready or lost, or after readyWaitMs, whichever is first (a board that is not
   * there only makes its servos' calls fail). Rejects with JohnnyFiveUnavailableError when
   * johnny-five cannot be loaded. Without boards, or when called again, does nothing.
   */
  async open(): Promise<void> {
    if (this.opened || this.links.size === 0) return;
    this.opened = true;
    const runtime = await this.load();
    for (const link of this.links.values()) {
      try {
        link.connect(runtime.five, runtime.openIo(link.port));
      } catch (error) {
        link.lose(`cannot open ${link.port}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await this.untilSettled();
  }

  /** Closes every board's port. Servos keep their last pulse width (see BoardLink.close). */
  async close(): Promise<void> {
    await Promise.all([...this.links.values()].map((link) => link.close()));
  }

  private untilSettled(): Promise<void> {
    const waiting = [...this.links.values()].filter((link) => !link.isSettled);
    if (waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const subscriptions: Disposable[] = [];
      const done = () => {
        for (const s of subscriptions) s.dispose();
        resolve();
      };
      let left = waiting.length;
      subscriptions.push(this.clock.setTimer(done, this.readyWaitMs));
      for (const link of waiting) {
        subscriptions.push(
          link.onSettled(() => {
            left -= 1;
            if (left === 0) done();
          }),
        );
      }
    });
  }
}
