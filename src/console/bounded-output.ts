import type { Writable } from 'node:stream';

/** Written once the terminal has caught up after output was dropped. */
export const DROPPED_MARKER = '[output dropped: terminal too slow]';

/**
 * A writer that never waits and never buffers without bound: while the stream holds more than
 * `maxBufferedBytes` not yet taken by the terminal, further output is dropped, and one marker line
 * is written once the stream has drained. A stuck or slow terminal thus costs at most that many
 * bytes of memory and cannot hold up anything else.
 */
export class BoundedOutput {
  private dropping = false;
  private readonly maxBufferedBytes: number;

  constructor(
    private readonly stream: Writable,
    maxBufferedBytes: number,
    private readonly eol: string,
  ) {
    // Below the high-water mark 'drain' would never be promised; the cap cannot be lower.
    this.maxBufferedBytes = Math.max(maxBufferedBytes, stream.writableHighWaterMark);
  }

  write(text: string): void {
    if (this.dropping || this.stream.destroyed || this.stream.writableEnded) return;
    if (this.stream.writableLength >= this.maxBufferedBytes) {
      this.dropping = true;
      this.stream.once('drain', () => {
        this.dropping = false;
        this.write(`${this.eol}${DROPPED_MARKER}${this.eol}`);
      });
      return;
    }
    this.stream.write(text);
  }
}
