import { createInterface, type Interface } from 'node:readline';
import { PassThrough, Writable } from 'node:stream';
import { EventEmitter, type Event } from '../common/event.ts';
import { KeyLimiter } from './key-limiter.ts';
import { LineLimiter } from './line-limiter.ts';

/**
 * - terminal: readline's line editing, history and tab completion; it echoes what is typed (ANSI).
 * - dumb: plain lines, no escape sequences; the terminal echoes locally.
 * - plain: plain lines, no prompt, no echo: for scripts.
 */
export type EditorMode = 'terminal' | 'dumb' | 'plain';

export interface LineEditorOptions {
  readonly mode: EditorMode;
  /** Terminal width for readline's redraws. */
  readonly columns: number;
  /** Longest line, UTF-8 bytes; in terminal mode keys past it are refused with a bell. */
  readonly maxLineBytes: number;
  /** Where the editor's own output (echo, prompt, redraws, bell) goes. */
  readonly write: (text: string) => void;
  readonly complete: (line: string) => [string[], string];
}

/**
 * A line as typed. `tooLong` when it had, or would have had, more than maxLineBytes bytes: its
 * tail was never kept (plain, dumb), or keys past the limit were refused (terminal); the line is
 * then not what was typed and must not be run.
 */
export interface TypedLine {
  readonly text: string;
  readonly tooLong: boolean;
}

/** readline asks the output for its width. */
class EchoOutput extends Writable {
  hidden = false;

  constructor(
    readonly columns: number,
    private readonly sink: (text: string) => void,
  ) {
    super({ decodeStrings: false });
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    if (!this.hidden) this.sink(chunk.toString());
    done();
  }
}

/** Rung when a key is refused at the line limit (terminal mode). */
const BELL = '\x07';

/**
 * readline over bytes fed in by the session: line editing, history and completion in terminal
 * mode, line splitting in the others. readline never sees the raw stream, so the session decides
 * what reaches it, and a Ctrl-Z on the line cannot suspend the process. The line limit is kept by a
 * LineLimiter on the bytes (plain, dumb: the bytes are the line) or, in terminal mode, by a
 * KeyLimiter on the edited line, key by key.
 */
export class LineEditor {
  private readonly input = new PassThrough();
  private readonly echo: EchoOutput;
  private readonly rl: Interface;
  /** Plain and dumb modes. */
  private readonly limiter: LineLimiter | undefined;
  /** Terminal mode: readline gets its keys from here, never from `input`'s bytes. */
  private readonly keyLimiter: KeyLimiter | undefined;
  private history: string[] | undefined;
  private readonly lines = new EventEmitter<TypedLine>();
  private readonly interrupts = new EventEmitter<void>();
  private readonly closes = new EventEmitter<void>();

  readonly onLine: Event<TypedLine> = this.lines.event;
  /** Ctrl-C (terminal mode). */
  readonly onInterrupt: Event<void> = this.interrupts.event;
  /** The input ended, or Ctrl-D on an empty line (terminal mode). */
  readonly onClose: Event<void> = this.closes.event;

  constructor(private readonly options: LineEditorOptions) {
    const terminal = options.mode === 'terminal';
    this.echo = new EchoOutput(options.columns, options.write);
    this.rl = createInterface({
      input: this.input,
      output: options.mode === 'plain' ? undefined : this.echo,
      terminal,
      prompt: '',
      historySize: terminal ? 100 : 0,
      crlfDelay: Number.POSITIVE_INFINITY,
      tabSize: 4,
      ...(terminal ? { completer: options.complete } : {}),
    });
    this.keyLimiter = terminal
      ? new KeyLimiter(
          this.rl,
          options.maxLineBytes,
          (text, key) => this.input.emit('keypress', text, key),
          () => options.write(BELL),
        )
      : undefined;
    this.limiter = terminal ? undefined : new LineLimiter(options.maxLineBytes);
    this.rl.on('line', (text) => {
      const refused = this.keyLimiter?.overflowed ?? false;
      this.keyLimiter?.reset();
      this.lines.emit({ text, tooLong: refused || Buffer.byteLength(text) > options.maxLineBytes });
    });
    this.rl.on('close', () => this.closes.emit());
    this.rl.on('SIGINT', () => this.interrupts.emit());
    // Without a listener readline would send SIGTSTP to this very process, stopping the supervisor.
    this.rl.on('SIGTSTP', () => undefined);
    this.rl.on('history', (history) => (this.history = history));
  }

  get mode(): EditorMode {
    return this.options.mode;
  }

  feed(chunk: Buffer): void {
    if (this.keyLimiter) this.keyLimiter.feed(chunk);
    else this.input.write(this.limiter!.filter(chunk));
  }

  /** No more input: a last unterminated line is still delivered (except in terminal mode), then onClose. */
  end(): void {
    this.input.end();
  }

  /** Stops echoing what is typed (PIN entry). Has no effect in dumb mode, where the terminal echoes. */
  hideEcho(hidden: boolean): void {
    this.echo.hidden = hidden;
  }

  /** Removes the newest history entry equal to `line` (a PIN typed at the PIN prompt). */
  forget(line: string): void {
    const at = this.history?.indexOf(line) ?? -1;
    if (at >= 0) this.history!.splice(at, 1);
  }

  /** Shows `text` as the prompt (terminal and dumb modes). */
  prompt(text: string): void {
    if (this.options.mode === 'plain') return;
    this.rl.setPrompt(text);
    this.rl.prompt();
  }

  /** Drops what is typed so far on the current line (terminal mode). */
  clearLine(): void {
    if (this.options.mode !== 'terminal') return;
    this.rl.write('', { ctrl: true, name: 'e' });
    this.rl.write('', { ctrl: true, name: 'u' });
    this.keyLimiter?.reset();
  }

  close(): void {
    this.rl.close();
    this.input.end();
  }
}
