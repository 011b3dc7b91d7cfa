import { PortClosedError } from '../../../protocols/errors.ts';
import type { OpenSerialLink, SerialLink, SerialLinkHandlers } from '../../../protocols/serial-link.ts';

/**
 * A serial line in memory: what the transport writes is recorded (and can be answered through
 * `onWrite`), what the test `receive`s arrives as data, and `unplug()` loses the port.
 */
export class FakeSerialLine {
  readonly written: Uint8Array[] = [];
  opens = 0;
  onWrite: ((bytes: Uint8Array) => void) | undefined;
  private handlers: SerialLinkHandlers | undefined;
  private open = false;

  readonly opener: OpenSerialLink = async (_options, handlers) => {
    this.handlers = handlers;
    this.open = true;
    this.opens++;
    const link: SerialLink = {
      write: async (bytes) => {
        if (!this.open) throw new PortClosedError('fake line is closed');
        this.written.push(Uint8Array.from(bytes));
        this.onWrite?.(bytes);
      },
      close: async () => {
        this.open = false;
      },
    };
    return link;
  };

  receive(bytes: Uint8Array): void {
    if (this.open) this.handlers?.onData(bytes);
  }

  unplug(): void {
    if (!this.open) return;
    this.open = false;
    this.handlers?.onLost(new PortClosedError('fake line unplugged'));
  }
}
