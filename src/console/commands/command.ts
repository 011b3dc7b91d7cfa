import type { Clock } from '../../common/clock.ts';
import type { Config, SimulatedFault } from '../../config/index.ts';
import type { Supervisor } from '../../supervisor/supervisor.ts';
import type { EventRing } from '../event-ring.ts';
import type { ConsoleIsolations } from '../isolations.ts';
import type { LoginGuard } from '../login-guard.ts';
import type { SimFaultEvent, ConsoleEvent, LineEvent } from '../../events/events.ts';

/** A simulated drive as the console sees it: fault injection only. sim/'s SimulatedDrive fits. */
export interface SimulatedAxis {
  injectFault(spec: SimulatedFault): { readonly id: number };
  clearFault(id: number): boolean;
  clearAllFaults(): void;
  activeFaults(): readonly { readonly id: number; readonly spec: SimulatedFault; readonly sinceMs: number }[];
}

/** What every session of one console host shares. */
export interface ConsoleServices {
  readonly supervisor: Supervisor;
  /** Simulated drives by axis id; `sim` commands refuse every other axis. */
  readonly simulators: ReadonlyMap<string, SimulatedAxis>;
  readonly config: Config;
  /** The supervisor's clock: event times, idle logout and login lockouts. */
  readonly clock: Clock;
  /** Clock time the run started, ms; `status` counts from it. */
  readonly startMs: number;
  readonly version: string;
  /** Recent events for `journal`, `faults` and `axis`. */
  readonly history: EventRing<LineEvent>;
  readonly isolations: ConsoleIsolations;
  readonly logins: LoginGuard;
  /** Reports a console event (journal, JSON output, history). */
  emit(event: ConsoleEvent | SimFaultEvent): void;
}

/** What a command may ask of the session it runs in. */
export interface SessionControl {
  /** Names the session in events: `serial`, `socket#3`. */
  readonly label: string;
  /** Who acts, for the journal and isolation holds: `console:ana`, or `console:socket` without login. */
  readonly by: string;
  /** Starts a login: the next line is read as the PIN, without echo. */
  beginLogin(name: string): readonly string[];
  logout(): readonly string[];
  /** Ends the session once this command's answer is written. */
  exit(): readonly string[];
  /** The terminal's width: tables fit it. */
  readonly columns: number;
  /**
   * Shows `frame()` once a second, at most `frames` times (the screen cleared between frames on an
   * ANSI terminal), until a line is typed or Ctrl-C; resolves with the line that says why it ended.
   */
  watch(frame: () => readonly string[], frames: number): Promise<readonly string[]>;
}

export interface CommandContext {
  readonly services: ConsoleServices;
  readonly session: SessionControl;
}

/**
 * Who may run a command: `read` and `stop` (hold) anyone; `operate` (anything that powers, moves,
 * resets, isolates or injects) only a logged-in operator on a console that asks for a login.
 */
export type Access = 'read' | 'stop' | 'operate';

/** A command's answer: lines to print, or a question whose answer `yes` runs `action`. */
export type CommandOutcome =
  | { readonly kind: 'lines'; readonly lines: readonly string[] }
  | { readonly kind: 'confirm'; readonly question: string; readonly action: () => Promise<readonly string[]> };

export interface CommandSpec {
  readonly name: string;
  /** e.g. `jog <axis> <deltaMm>` */
  readonly usage: string;
  /** One line for `help`. */
  readonly summary: string;
  /** More lines for `help <name>`. */
  readonly details: readonly string[];
  readonly access: Access;
  /** Candidates for argument `index` (0-based, after the name), given the words before it. */
  complete?(index: number, before: readonly string[], services: ConsoleServices): readonly string[];
  run(args: readonly string[], ctx: CommandContext): CommandOutcome | Promise<CommandOutcome>;
}

export const answer = (...lines: readonly string[]): CommandOutcome => ({ kind: 'lines', lines });
