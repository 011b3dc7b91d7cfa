import { Duplex } from 'node:stream';

/**
 * An in-memory terminal: what the test types arrives on the stream's readable side, what the
 * session writes is collected. The reader can be paused: writes then stay pending, as with a
 * terminal that stopped reading (XOFF, a hung pty), so `writableLength` grows.
 */
export class MemoryTerminal {
  readonly stream: Duplex;
  private text = '';
  private readerPaused = false;
  private held: Array<() => void> = [];
  ended = false;

  constructor() {
    this.stream = new Duplex({
      read: () => undefined,
      write: (chunk: Buffer, _encoding, done) => {
        this.text += chunk.toString('latin1');
        if (this.readerPaused) this.held.push(done);
        else done();
      },
      final: (done) => {
        this.ended = true;
        done();
      },
    });
  }

  /** Everything written so far. */
  get output(): string {
    return this.text;
  }

  /** Output lines, without the line ends, dropping empty ones. */
  lines(): string[] {
    return this.text.split(/\r?\n/).filter((l) => l.length > 0);
  }

  /** Forgets the output so far (the next assertions see only what follows). */
  clear(): void {
    this.text = '';
  }

  type(input: string | Buffer): void {
    this.stream.push(typeof input === 'string' ? Buffer.from(input, 'latin1') : input);
  }

  endInput(): void {
    this.stream.push(null);
  }

  pauseReader(): void {
    this.readerPaused = true;
  }

  resumeReader(): void {
    this.readerPaused = false;
    const held = this.held;
    this.held = [];
    for (const done of held) done();
  }
}
