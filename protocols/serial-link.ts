import { SerialPort } from 'serialport';
import type { Clock } from '../src/common/clock.ts';
import { withDeadline } from '../src/common/deadline.ts';
import { PortClosedError, isPortClosedError } from './errors.ts';

/**
 * The little that the RTU transports need from a serial port, so that exactly one place (here) knows
 * serialport and tests can hand in a fake link.
 */

export type Parity = 'none' | 'even' | 'odd';

export interface SerialLineOptions {
  readonly path: string;
  readonly baudRate: number;
  /** Default 'even', as the Modbus spec asks. */
  readonly parity?: Parity;
  /** Default 1. */
  readonly stopBits?: 1 | 2;
}

/** An open serial port. After the link is lost every method fails with PortClosedError. */
export interface SerialLink {
  /** Resolves when the bytes are handed to the OS. */
  write(bytes: Uint8Array): Promise<void>;
  /**
   * Discards what the OS has received but nobody has read yet, and what was written but not yet sent
   * (tcflush TCIOFLUSH): after a failed transaction a request still waiting to go out is stale, and
   * must not reach a drive after its deadline.
   */
  discardPending(): Promise<void>;
  /** Closes the port; onLost is not called for a close asked for here. */
  close(): Promise<void>;
}

export interface SerialLinkHandlers {
  onData(chunk: Uint8Array): void;
  /** The port went away on its own (unplugged, closed by the OS, I/O error). Called at most once. */
  onLost(error: PortClosedError): void;
}

/** Opens a link or rejects with PortClosedError. */
export type OpenSerialLink = (options: SerialLineOptions, handlers: SerialLinkHandlers) => Promise<SerialLink>;

const callback =
  (resolve: () => void, reject: (e: Error) => void) =>
  (error: Error | null | undefined): void =>
    error ? reject(error) : resolve();

/** The real opener: serialport with 8 data bits and an exclusive lock; opening is bounded by `openTimeoutMs`. */
export function serialPortOpener(clock: Clock, openTimeoutMs = 2000): OpenSerialLink {
  return async (options, handlers) => {
    const port = new SerialPort({
      path: options.path,
      baudRate: options.baudRate,
      parity: options.parity ?? 'even',
      stopBits: options.stopBits ?? 1,
      dataBits: 8,
      autoOpen: false,
      lock: true,
    });
    const opened = new Promise<void>((resolve, reject) => port.open(callback(resolve, reject)));
    try {
      await withDeadline(clock, opened, clock.now() + openTimeoutMs, () => new PortClosedError(`opening ${options.path} timed out`));
    } catch (error) {
      if (port.isOpen) port.close();
      throw isPortClosedError(error) ? error : new PortClosedError(`cannot open ${options.path}: ${(error as Error).message}`);
    }

    let ended = false;
    const lose = (why: string): void => {
      if (ended) return;
      ended = true;
      if (port.isOpen) port.close();
      handlers.onLost(new PortClosedError(`${options.path} lost: ${why}`));
    };
    port.on('data', (chunk: Buffer) => {
      if (!ended) handlers.onData(chunk);
    });
    port.on('close', (error?: Error | null) => lose(error?.message ?? 'closed'));
    port.on('end', () => lose('end of stream'));
    port.on('error', (error: Error) => lose(error.message));

    const gone = (): PortClosedError => new PortClosedError(`${options.path} is closed`);
    return {
      write(bytes) {
        if (ended || !port.isOpen) return Promise.reject(gone());
        return new Promise<void>((resolve, reject) => port.write(Buffer.from(bytes), callback(resolve, reject))).catch((error: Error) => {
          throw new PortClosedError(`write to ${options.path} failed: ${error.message}`);
        });
      },
      discardPending() {
        if (ended || !port.isOpen) return Promise.reject(gone());
        return new Promise<void>((resolve, reject) => port.flush(callback(resolve, reject)));
      },
      async close() {
        if (ended) return;
        ended = true;
        if (!port.isOpen) return;
        const closed = new Promise<void>((resolve) => port.close(() => resolve()));
        await withDeadline(clock, closed, clock.now() + openTimeoutMs, () => new PortClosedError(`closing ${options.path} timed out`)).catch(() => undefined);
      },
    };
  };
}
