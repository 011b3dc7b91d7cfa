// One file on purpose (over ~250 lines): one session's lifecycle over its stream, where its parts meet:
// when input is read, which line goes to login, the editor or the runner, when a hold jumps the queue and
// when the session ends. The runner, line editor, negotiation, idle timer, output bound and login are files of their own.
import type { Duplex } from 'node:stream';
import { EventEmitter, type Event } from '../common/event.ts';
import type { ConsoleOperatorConfig } from '../config/index.ts';
import { BoundedOutput } from './bounded-output.ts';
import { CommandRunner, type QueuedLine } from './command-runner.ts';
import type { ConsoleServices } from './commands/command.ts';
import { completeLine, wordsOf } from './commands/registry.ts';
import { IdleTimer } from './idle-timer.ts';
import { LineEditor, type EditorMode, type TypedLine } from './line-editor.ts';
import { negotiateMode, type Negotiated } from './negotiate.ts';
import { SessionLogin } from './session-login.ts';

/** Bounds of one session; see SESSION_LIMITS for the defaults. */
export interface SessionLimits {
  /** Longer lines are refused whole, UTF-8 bytes; on a terminal, keys past it are refused with a bell. */
  readonly maxLineBytes: number;
  /** Lines waiting behind the running command: input is paused at this many, lines dropped beyond twice as many. */
  readonly maxPendingLines: number;
  /** Output not yet taken by the terminal beyond which output is dropped, bytes. */
  readonly maxOutputBytes: number;
  /** How long a "type yes" question waits for its answer, ms. */
  readonly confirmTimeoutMs: number;
}

export const SESSION_LIMITS: SessionLimits = {
  maxLineBytes: 512,
  maxPendingLines: 32,
  maxOutputBytes: 64 * 1024,
  confirmTimeoutMs: 30_000,
};

/** `negotiate`: plain, unless the first line is the terminal hello of `axisguard console` (see negotiate.ts). */
export type SessionMode = EditorMode | 'negotiate';

export interface SessionOptions {
  readonly stream: Duplex;
  /** Names the session in events, and in `by` without login: `serial`, `socket#3`. */
  readonly label: string;
  readonly mode: SessionMode;
  /** Commands of access `operate` need a logged-in operator. */
  readonly requireLogin: boolean;
  readonly operators: readonly ConsoleOperatorConfig[];
  /** Without input for this long a logged-in operator is logged out, ms. */
  readonly idleLogoutMs: number;
  /** After the idle time also end the session (socket); else only log out (serial). */
  readonly closeWhenIdle: boolean;
  /** End the stream with the session (socket); a serial port stays open for the next session. */
  readonly endStreamOnClose: boolean;
  readonly services: ConsoleServices;
  readonly limits?: Partial<SessionLimits>;
}

const DEFAULT_COLUMNS = 80;
/** How often `status --watch` redraws. */
const WATCH_EVERY_MS = 1000;

/**
 * One technician session over any duplex stream (serial port, socket, test stream): reads lines and
 * hands them, one at a time, to its CommandRunner; a `hold <axis>` line starts its hold at once,
 * past the queue. It never waits on the terminal: output is bounded (BoundedOutput), input per line
 * (LineLimiter, or KeyLimiter on a terminal) and per queue, and every command runs asynchronously.
 */
export class Session {
  private readonly limits: SessionLimits;
  private readonly login: SessionLogin;
  private readonly runner: CommandRunner;
  private readonly idle: IdleTimer;
  private output: BoundedOutput;
  private eol = '\r\n';
  private editor: LineEditor | undefined;
  private sniffed: Buffer[] = [];
  private readonly queue: QueuedLine[] = [];
  private busy = false;
  private dropping = false;
  private inputEnded = false;
  private exitAsked = false;
  private closed = false;
  private readonly closes = new EventEmitter<string>();
  private readonly listeners = {
    data: (chunk: Buffer) => this.onData(chunk),
    end: () => this.onInputEnd(),
    error: () => this.close('stream error'),
    close: () => this.close('stream closed'),
  };

  /** The session ended, with why; the stream is no longer read. */
  readonly onClosed: Event<string> = this.closes.event;

  /** Ends a running `status --watch`, with why; set while one runs. */
  private endWatch: ((why: string) => void) | undefined;
  /** The terminal's width, once negotiated. */
  private columns = DEFAULT_COLUMNS;

  constructor(private readonly options: SessionOptions) {
    this.limits = { ...SESSION_LIMITS, ...options.limits };
    this.output = new BoundedOutput(options.stream, this.limits.maxOutputBytes, this.eol);
    this.login = new SessionLogin(options.services, options.operators, options.label);
    const columns = () => this.columns;
    this.runner = new CommandRunner({
      services: options.services,
      login: this.login,
      label: options.label,
      requireLogin: options.requireLogin,
      confirmTimeoutMs: this.limits.confirmTimeoutMs,
      idleLogoutMs: options.idleLogoutMs,
      terminal: {
        print: (lines) => this.print(lines),
        askPin: (prompt) => this.askPin(prompt),
        forget: (line) => this.editor?.forget(line),
        prompt: () => this.showPrompt(),
        exitWhenDone: () => (this.exitAsked = true),
        get columns() {
          return columns();
        },
        watch: (frame, frames) => this.watch(frame, frames),
      },
    });
    this.idle = new IdleTimer(options.services.clock, options.idleLogoutMs, () => this.onIdle());
    // Counted from the start, so that a connection that never says anything is closed too.
    this.idle.touch();
    const { stream } = options;
    stream
      .on('data', this.listeners.data)
      .on('end', this.listeners.end)
      .on('error', this.listeners.error)
      .on('close', this.listeners.close);
    // A session before this one on the same port may have paused it (a full queue).
    stream.resume();
    if (options.mode !== 'negotiate') this.startEditor({ mode: options.mode, columns: DEFAULT_COLUMNS, rest: Buffer.alloc(0) });
  }

  /** Ends the session: logs out and stops reading; ends the stream if it owns it. Idempotent. */
  close(reason: string, farewell?: string): void {
    if (this.closed) return;
    this.runner.cancelPending(reason);
    if (farewell) this.print([farewell]);
    this.closed = true;
    this.idle.dispose();
    this.login.logout(reason === 'idle' ? 'idle' : 'closed');
    const { stream } = this.options;
    stream
      .off('data', this.listeners.data)
      .off('end', this.listeners.end)
      .off('error', this.listeners.error)
      .off('close', this.listeners.close);
    this.editor?.close();
    if (this.options.endStreamOnClose) stream.on('error', () => undefined).end();
    this.closes.emit(reason);
  }

  private startEditor({ mode, columns, rest }: Negotiated): void {
    this.columns = columns;
    this.eol = mode === 'plain' ? '\n' : '\r\n';
    this.output = new BoundedOutput(this.options.stream, this.limits.maxOutputBytes, this.eol);
    const editor = new LineEditor({
      mode,
      columns,
      maxLineBytes: this.limits.maxLineBytes,
      write: (text) => this.output.write(text),
      complete: (line) => completeLine(line, this.options.services),
    });
    this.editor = editor;
    editor.onLine((line) => this.onLine(line));
    editor.onInterrupt(() => this.onInterrupt());
    editor.onClose(() => this.onInputEnd());
    if (mode !== 'plain') {
      const access = this.options.requireLogin ? 'commands marked * in help need login <name>' : 'no login needed on this console';
      this.print([`axisguard console, line '${this.options.services.config.line}' (${this.options.label}): type help; ${access}.`]);
      this.showPrompt();
    }
    if (rest.length > 0) editor.feed(rest);
  }

  private onData(chunk: Buffer): void {
    this.idle.touch();
    if (this.editor) return this.editor.feed(chunk);
    this.sniffed.push(chunk);
    const decided = negotiateMode(Buffer.concat(this.sniffed), this.limits.maxLineBytes);
    if (!decided) return;
    this.sniffed = [];
    this.startEditor(decided);
  }

  private onInputEnd(): void {
    if (this.inputEnded || this.closed) return;
    this.inputEnded = true;
    if (!this.editor) this.startEditor({ mode: 'plain', columns: DEFAULT_COLUMNS, rest: Buffer.concat(this.sniffed) });
    this.editor!.end();
    this.pump();
  }

  private onLine({ text, tooLong }: TypedLine): void {
    if (this.closed) return;
    if (tooLong) {
      this.print([`error: line too long, ignored: lines are limited to ${this.limits.maxLineBytes} bytes; split the command`]);
      return this.showPrompt();
    }
    if (this.queue.length >= this.limits.maxPendingLines * 2) {
      if (!this.dropping) this.print([`error: too many lines waiting (${this.queue.length}); lines dropped until the console catches up`]);
      this.dropping = true;
      return;
    }
    // A line typed during a watch ends it, then runs as usual.
    this.endWatch?.('a line was typed');
    const words = wordsOf(text);
    // Stopping is always allowed and never waits: a hold with its axis goes out now, past the
    // queue; only its answer waits its turn, so the answers keep the order of the lines.
    const hold = words[0] === 'hold' && words.length > 1 ? this.runner.run(words) : undefined;
    this.queue.push(hold ? { text, hold } : { text });
    if (this.queue.length >= this.limits.maxPendingLines) this.options.stream.pause();
    this.pump();
  }

  /** Runs the next queued line once the one before has finished; ends the session when asked and drained. */
  private pump(): void {
    if (this.busy || this.closed) return;
    const next = this.queue.shift();
    if (next === undefined) {
      if (this.inputEnded || this.exitAsked) this.close(this.exitAsked ? 'exit' : 'input ended');
      return;
    }
    if (this.queue.length < this.limits.maxPendingLines / 2) {
      this.dropping = false;
      this.options.stream.resume();
    }
    this.busy = true;
    void this.runner.handle(next).finally(() => {
      this.busy = false;
      if (this.queue.length === 0) this.showPrompt();
      this.pump();
    });
  }

  private onInterrupt(): void {
    this.endWatch?.('interrupted');
    this.print(['^C']);
    this.runner.cancelPending('interrupted');
    this.editor?.clearLine();
    this.showPrompt();
  }

  /** See SessionControl.watch. A watch is input for the idle logout: someone is looking. */
  private watch(frame: () => readonly string[], frames: number): Promise<readonly string[]> {
    const clock = this.options.services.clock;
    return new Promise((resolve) => {
      let shown = 0;
      let timer: { dispose(): void } | undefined;
      const end = (why: string) => {
        timer?.dispose();
        this.endWatch = undefined;
        resolve([`watch ended: ${why}`]);
      };
      this.endWatch = end;
      const tick = () => {
        if (this.closed) return end('session closed');
        this.idle.touch();
        // Cursor home and clear on an ANSI terminal; elsewhere frames follow each other after a blank line.
        if (this.editor?.mode === 'terminal') this.output.write('\x1b[H\x1b[2J');
        else if (shown > 0) this.print(['']);
        this.print([...frame(), `(frame ${shown + 1} of at most ${frames}; type a line or Ctrl-C to stop)`]);
        shown++;
        if (shown >= frames) return end(`${frames} frames shown`);
        timer = clock.setTimer(tick, WATCH_EVERY_MS);
      };
      tick();
    });
  }

  private onIdle(): void {
    const seconds = this.options.idleLogoutMs / 1000;
    if (this.options.closeWhenIdle) return this.close('idle', `session closed after ${seconds} s without input`);
    this.runner.cancelPending('idle');
    if (this.login.logout('idle') === undefined) return;
    this.print([`logged out after ${seconds} s without input`]);
    this.showPrompt();
  }

  /** PIN entry: the prompt is written as is and what is typed is not echoed; `undefined` ends it. */
  private askPin(prompt: string | undefined): void {
    if (this.closed) return;
    const hidden = prompt !== undefined;
    this.editor?.hideEcho(hidden);
    const mode = this.editor?.mode;
    if (hidden && mode !== 'plain') this.output.write(prompt);
    // readline's own line end was hidden with the PIN.
    if (!hidden && mode === 'terminal') this.output.write(this.eol);
  }

  private showPrompt(): void {
    if (this.closed || this.busy || this.exitAsked || this.runner.asking === 'pin') return;
    const who = this.login.operator ? `${this.login.operator}@` : '';
    this.editor?.prompt(this.runner.asking === 'confirm' ? 'type yes> ' : `${who}axisguard> `);
  }

  /** Writes lines as plain ASCII (anything else becomes '?'), never waiting for the terminal. */
  private print(lines: readonly string[]): void {
    if (this.closed) return;
    for (const line of lines) this.output.write(`${line.replace(/[^\x20-\x7e]/g, '?')}${this.eol}`);
  }
}
