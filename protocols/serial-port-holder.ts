import type { Clock } from '../src/common/clock.ts';
import { EventEmitter, type Event } from '../src/common/event.ts';
import { PortClosedError } from './errors.ts';
import type { OpenSerialLink, SerialLineOptions, SerialLink } from './serial-link.ts';

/** Where a serial port stands. */
export type PortState =
  | { readonly kind: 'closed' }
  | { readonly kind: 'opening' }
  | { readonly kind: 'open'; readonly link: SerialLink }
  | { readonly kind: 'lost'; readonly error: PortClosedError };

/**
 * One serial port a master talks through: opening, closing, reopening after a replug, and what
 * arrives on it, for the RTU master and the bus-servo masters alike. Bytes and a loss from an
 * earlier opening (a late callback after a close) are ignored: each opening has its generation.
 */
export class SerialPortHolder {
  private current: PortState = { kind: 'closed' };
  private generation = 0;
  private lastByteAt = Number.NEGATIVE_INFINITY;
  private readonly lost = new EventEmitter<PortClosedError>();

  /** Fires when the port goes away on its own (not on close()). */
  readonly onPortLost: Event<PortClosedError> = this.lost.event;

  constructor(
    private readonly options: SerialLineOptions,
    private readonly clock: Clock,
    private readonly openLink: OpenSerialLink,
    /** Every chunk received on the open port. */
    private readonly onData: (chunk: Uint8Array) => void,
    /** The port was lost or closed under a transaction: `error` is what it fails with. */
    private readonly onGone: (error: PortClosedError) => void,
  ) {}

  get state(): PortState {
    return this.current;
  }

  get isOpen(): boolean {
    return this.current.kind === 'open';
  }

  /** When the last byte arrived, ms on the Clock (-Infinity before any). */
  get lastByteAtMs(): number {
    return this.lastByteAt;
  }

  /**
   * Resolves once the line has been silent for `silenceMs` since now (a failed exchange: late bytes
   * may still come), at the latest `maxWaitMs` from now, or at once when the port changes state
   * meanwhile (closed, lost, reopened). `epsilonMs` absorbs float error in the compared instants.
   */
  async untilQuiet(silenceMs: number, maxWaitMs: number, epsilonMs = 0): Promise<void> {
    const state = this.current;
    const failedAtMs = this.clock.now();
    const limitMs = failedAtMs + maxWaitMs;
    for (;;) {
      if (this.current !== state) return;
      const now = this.clock.now();
      const quietAtMs = Math.min(Math.max(this.lastByteAt, failedAtMs) + silenceMs, limitMs);
      if (now >= quietAtMs - epsilonMs) return;
      await this.clock.sleep(quietAtMs - now);
    }
  }

  /** The open link, or the PortClosedError a call must fail with. */
  openLinkOrError(): SerialLink | PortClosedError {
    const state = this.current;
    if (state.kind === 'open') return state.link;
    return state.kind === 'lost' ? state.error : new PortClosedError(`${this.options.path} is not open`);
  }

  /** Opens the port; rejects with PortClosedError when it cannot. No-op when already open. */
  async open(): Promise<void> {
    if (this.current.kind === 'open') return;
    if (this.current.kind === 'opening') throw new PortClosedError(`${this.options.path} is already being opened`);
    const generation = ++this.generation;
    const opening: PortState = { kind: 'opening' };
    this.current = opening;
    let link: SerialLink;
    try {
      link = await this.openLink(this.options, {
        onData: (chunk) => {
          if (generation !== this.generation) return;
          this.lastByteAt = this.clock.now();
          this.onData(chunk);
        },
        onLost: (error) => {
          if (generation !== this.generation || this.current.kind !== 'open') return;
          this.current = { kind: 'lost', error };
          this.onGone(error);
          this.lost.emit(error);
        },
      });
    } catch (error) {
      if (this.current === opening) this.current = { kind: 'closed' };
      throw error;
    }
    if (this.current !== opening) {
      await link.close();
      throw new PortClosedError(`${this.options.path} was closed while opening`);
    }
    this.current = { kind: 'open', link };
  }

  /** Closes the port if needed and opens it again (after a USB replug, say). */
  async reopen(): Promise<void> {
    await this.close();
    await this.open();
  }

  async close(): Promise<void> {
    const state = this.current;
    this.generation++;
    this.current = { kind: 'closed' };
    this.onGone(new PortClosedError(`${this.options.path} was closed`));
    if (state.kind === 'open') await state.link.close();
  }
}
