import type { Disposable } from '../common/disposable.ts';
import { oneLine } from './commands/args.ts';
import type { CommandContext, CommandSpec, ConsoleServices, SessionControl } from './commands/command.ts';
import { findCommand, wordsOf, type FoundCommand } from './commands/registry.ts';
import { ConsoleAccessError } from './errors.ts';
import type { SessionLogin } from './session-login.ts';

/** A command's printed answer, and its error if it failed. */
export interface Answered {
  readonly lines: readonly string[];
  readonly error: unknown;
}

/** A line waiting its turn; a hold line has already started its hold and waits only to print. */
export interface QueuedLine {
  readonly text: string;
  readonly hold?: Promise<Answered>;
}

/** What the runner needs of its session's terminal. */
export interface RunnerTerminal {
  print(lines: readonly string[]): void;
  /** Shows a prompt for the PIN, with what is typed hidden (or cancels that, `undefined`). */
  askPin(prompt: string | undefined): void;
  /** Removes a typed line (the PIN) from the line history. */
  forget(line: string): void;
  /** Shows the prompt again (after a question expired). */
  prompt(): void;
  /** Ends the session once the queued lines are done. */
  exitWhenDone(): void;
  /** The terminal's width (what `axisguard console` reported; 80 otherwise, a serial terminal's). */
  readonly columns: number;
  /** See SessionControl.watch. */
  watch(frame: () => readonly string[], frames: number): Promise<readonly string[]>;
}

export interface RunnerOptions {
  readonly services: ConsoleServices;
  readonly login: SessionLogin;
  readonly label: string;
  readonly requireLogin: boolean;
  readonly confirmTimeoutMs: number;
  readonly idleLogoutMs: number;
  readonly terminal: RunnerTerminal;
}

type Pending =
  | { readonly kind: 'pin'; readonly name: string }
  | {
      readonly kind: 'confirm';
      readonly words: readonly string[];
      readonly spec: CommandSpec;
      readonly action: () => Promise<readonly string[]>;
      readonly timer: Disposable;
    };

const errorLine = (error: unknown): string => `error: ${oneLine(error)}`;

/**
 * The command side of a session: runs each line as a command, or as the answer to the question
 * before it (a PIN, a "type yes"), checks access, and journals every command that is not read-only
 * with who ran it. Every failure becomes one `error:` line; nothing here throws at the session.
 */
export class CommandRunner {
  private pending: Pending | undefined;
  readonly control: SessionControl;

  constructor(private readonly options: RunnerOptions) {
    this.control = this.makeControl();
  }

  /** What the next line will answer, if anything. */
  get asking(): Pending['kind'] | undefined {
    return this.pending?.kind;
  }

  async handle({ text, hold }: QueuedLine): Promise<void> {
    const { terminal } = this.options;
    const pending = this.pending;
    this.pending = undefined;
    if (hold) {
      if (pending) this.cancelled(pending, 'a hold came first');
      return terminal.print((await hold).lines);
    }
    if (pending?.kind === 'pin') return this.finishLogin(pending.name, text);
    if (pending?.kind === 'confirm') {
      pending.timer.dispose();
      if (text.trim() !== 'yes') return terminal.print([`${pending.words.join(' ')} cancelled`]);
      const answered = await settle(pending.action);
      this.journal(pending.spec, pending.words, answered.error);
      return terminal.print(answered.lines);
    }
    const words = wordsOf(text);
    if (words.length > 0) terminal.print((await this.run(words)).lines);
  }

  /** Runs one command: its answer, its question (the next line answers it), or one `error:` line. */
  async run(words: readonly string[]): Promise<Answered> {
    let found: FoundCommand;
    try {
      found = findCommand(words);
    } catch (error) {
      return { lines: [errorLine(error)], error };
    }
    const { spec, args } = found;
    const ctx: CommandContext = { services: this.options.services, session: this.control };
    let asked = false;
    const answered = await settle(async () => {
      if (spec.access === 'operate' && this.options.requireLogin && !this.options.login.operator) throw new ConsoleAccessError(spec.name);
      const outcome = await spec.run(args, ctx);
      if (outcome.kind === 'lines') return outcome.lines;
      asked = true;
      const timer = this.options.services.clock.setTimer(() => this.expireQuestion(), this.options.confirmTimeoutMs);
      this.pending = { kind: 'confirm', words, spec, action: outcome.action, timer };
      return [outcome.question];
    });
    // A question is no action yet: the answer to it is journalled.
    if (!asked) this.journal(spec, words, answered.error);
    return answered;
  }

  /** Drops a question or PIN prompt in progress, saying why. */
  cancelPending(why: string): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) this.cancelled(pending, why);
  }

  /** Journals who ran a command that is not read-only, and how it ended. */
  private journal(spec: CommandSpec, words: readonly string[], error: unknown): void {
    if (spec.access === 'read') return;
    const { clock, emit } = this.options.services;
    const refused = error === undefined ? {} : { detail: oneLine(error) };
    emit({
      type: 'console_command',
      atMs: clock.now(),
      session: this.options.label,
      by: this.control.by,
      command: words.join(' '),
      outcome: error === undefined ? 'ok' : 'refused',
      ...refused,
    });
  }

  private expireQuestion(): void {
    if (this.pending?.kind !== 'confirm') return;
    this.cancelPending(`no answer within ${this.options.confirmTimeoutMs / 1000} s`);
    this.options.terminal.prompt();
  }

  private cancelled(pending: Pending, why: string): void {
    if (pending.kind === 'confirm') pending.timer.dispose();
    else this.options.terminal.askPin(undefined);
    this.options.terminal.print([`${pending.kind === 'pin' ? 'login' : pending.words.join(' ')} cancelled: ${why}`]);
  }

  private beginLogin(name: string): readonly string[] {
    this.options.login.assertCanBegin(name);
    this.pending = { kind: 'pin', name };
    this.options.terminal.askPin('PIN: ');
    return [];
  }

  private async finishLogin(name: string, pin: string): Promise<void> {
    const { terminal, login, idleLogoutMs } = this.options;
    terminal.askPin(undefined);
    terminal.forget(pin);
    try {
      const welcome = await login.login(name, pin);
      terminal.print([`${welcome} (idle logout after ${idleLogoutMs / 1000} s)`]);
    } catch (error) {
      terminal.print([errorLine(error)]);
    }
  }

  private makeControl(): SessionControl {
    const { login, label, terminal } = this.options;
    return {
      label,
      get by() {
        return `console:${login.operator ?? label.replace(/#\d+$/, '')}`;
      },
      beginLogin: (name) => this.beginLogin(name),
      logout: () => {
        const name = login.logout('command');
        return [name === undefined ? 'not logged in' : `${name} logged out`];
      },
      exit: () => {
        terminal.exitWhenDone();
        return ['bye'];
      },
      get columns() {
        return terminal.columns;
      },
      watch: (frame, frames) => terminal.watch(frame, frames),
    };
  }
}

/** What `work` answers, or its error as one `error:` line. */
async function settle(work: () => Promise<readonly string[]>): Promise<Answered> {
  try {
    return { lines: await work(), error: undefined };
  } catch (error) {
    return { lines: [errorLine(error)], error: error ?? new Error('failed') };
  }
}
