import type { Duplex } from 'node:stream';
import type { Clock } from '../common/clock.ts';
import type { Disposable } from '../common/disposable.ts';
import { EventEmitter, type Event } from '../common/event.ts';
import type { Config, ConsoleConfig } from '../config/index.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';
import type { ConsoleServices, SimulatedAxis } from './commands/command.ts';
import { EventRing } from './event-ring.ts';
import { ConsoleIsolations } from './isolations.ts';
import { LoginGuard } from './login-guard.ts';
import { Session, type SessionLimits, type SessionOptions } from './session.ts';
import { listenOnUnixSocket, type SocketListener } from './unix-socket.ts';
import type { SimFaultEvent, ConsoleEvent, LineEvent } from '../events/events.ts';

/** Opens a serial port as a duplex byte stream, or rejects saying why. A lost port destroys the stream. */
export type OpenSerialStream = (path: string, baudRate: number) => Promise<Duplex>;

/** At most this many socket sessions at once; more are told so and closed. */
export const MAX_SOCKET_SESSIONS = 8;
/** A lost or unopenable serial port is tried again after this long, ms. */
export const SERIAL_RETRY_MS = 5000;

export interface ConsoleHostOptions {
  /** The whole line config; its `console` section says where to serve. */
  readonly config: Config & { readonly console: ConsoleConfig };
  readonly supervisor: Supervisor;
  readonly simulators: ReadonlyMap<string, SimulatedAxis>;
  readonly clock: Clock;
  /** Clock time the run started, ms. */
  readonly startMs: number;
  readonly version: string;
  /** More events to keep for `journal` and `faults` (the fault schedule's). */
  readonly events?: readonly Event<LineEvent>[];
  /** Opens the serial console's port; the composition root passes the real one (src/compose/console-serial.ts). */
  readonly openSerial: OpenSerialStream;
  readonly limits?: Partial<SessionLimits>;
}

/** Per-session settings the host picks by transport. */
type Attachment = Pick<SessionOptions, 'stream' | 'label' | 'mode' | 'requireLogin' | 'closeWhenIdle' | 'endStreamOnClose'>;

/**
 * Serves the technician console on the configured UNIX socket and serial port, one Session per
 * connection (one at a time on the serial port), all sharing the history, login rate limit and
 * isolation holds. Nothing here waits on a terminal, so the supervision cycle never does either.
 */
export class ConsoleHost {
  private readonly events = new EventEmitter<ConsoleEvent | SimFaultEvent>();
  private readonly services: ConsoleServices;
  private readonly sessions = new Set<Session>();
  private readonly subscriptions: Disposable[] = [];
  private socket: SocketListener | undefined;
  private socketCount = 0;
  private serial: Duplex | undefined;
  private serialSession: Session | undefined;
  private serialRetry: Disposable | undefined;
  private serialDown = false;
  private stopped = false;

  /** Console events (logins, commands, transports, simulator faults) for the journal and JSON output. */
  readonly onEvent: Event<ConsoleEvent | SimFaultEvent> = this.events.event;

  constructor(private readonly options: ConsoleHostOptions) {
    const { config, clock } = options;
    const history = new EventRing<LineEvent>(config.console.historySize);
    this.services = {
      supervisor: options.supervisor,
      simulators: options.simulators,
      config,
      clock,
      startMs: options.startMs,
      version: options.version,
      history,
      isolations: new ConsoleIsolations(),
      logins: new LoginGuard(clock),
      emit: (event) => this.events.emit(event),
    };
    const keep = (event: LineEvent) => history.push(event);
    this.subscriptions.push(
      options.supervisor.onEvent(keep),
      this.events.event(keep),
      ...(options.events ?? []).map((source) => source(keep)),
    );
  }

  /**
   * An isolation hold an earlier run left (restored from the journal), taken again at start: its
   * holder releases it from the console as if it had been taken in this run.
   */
  adoptIsolation(axis: string, holder: string, hold: Disposable): void {
    this.services.isolations.add(axis, holder, hold);
  }

  /** Starts serving. Throws ConsoleStartError when the socket cannot be served; a serial port that will not open is retried. */
  async start(): Promise<void> {
    const { socket, serial } = this.options.config.console;
    if (socket) {
      this.socket = await listenOnUnixSocket(socket.path, socket.mode, (connection) => this.acceptSocket(connection, socket.requireLogin));
      this.report('socket', socket.path, 'open', `mode 0${socket.mode.toString(8)}`);
    }
    if (serial) await this.openSerial();
  }

  /** Ends every session (with a farewell), stops listening, removes the socket file, closes the port. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.serialRetry?.dispose();
    for (const session of [...this.sessions]) session.close('axisguard stopping', 'axisguard is stopping; console closed');
    const { socket, serial } = this.options.config.console;
    if (this.socket && socket) {
      await this.socket.close();
      this.report('socket', socket.path, 'closed');
    }
    if (this.serial && serial) {
      this.serial.destroy();
      this.report('serial', serial.path, 'closed');
    }
    for (const s of this.subscriptions) s.dispose();
  }

  /** Runs a session over any stream (what the socket and the serial port do; tests use it directly). */
  attach(attachment: Attachment): Session {
    const section = this.options.config.console;
    const session = new Session({
      ...attachment,
      operators: section.operators,
      idleLogoutMs: section.idleLogoutS * 1000,
      services: this.services,
      ...(this.options.limits ? { limits: this.options.limits } : {}),
    });
    this.sessions.add(session);
    session.onClosed(() => this.sessions.delete(session));
    return session;
  }

  private acceptSocket(connection: Duplex, requireLogin: boolean): void {
    connection.on('error', () => undefined);
    const open = [...this.sessions].filter((s) => s !== this.serialSession).length;
    if (this.stopped || open >= MAX_SOCKET_SESSIONS) {
      connection.end(`error: too many console sessions (${MAX_SOCKET_SESSIONS}); try again later\n`);
      return;
    }
    this.socketCount++;
    this.attach({
      stream: connection,
      label: `socket#${this.socketCount}`,
      mode: 'negotiate',
      requireLogin,
      closeWhenIdle: true,
      endStreamOnClose: true,
    });
  }

  private async openSerial(): Promise<void> {
    const serial = this.options.config.console.serial!;
    const open = this.options.openSerial;
    let port: Duplex;
    try {
      port = await open(serial.path, serial.baudRate);
    } catch (error) {
      this.serialLost(`cannot open: ${(error as Error).message}`);
      return;
    }
    if (this.stopped) return void port.destroy();
    this.serial = port;
    this.serialDown = false;
    this.report('serial', serial.path, 'open', `${serial.baudRate} baud`);
    port.on('error', () => undefined);
    port.once('close', () => {
      this.serial = undefined;
      this.serialSession?.close('port lost');
      this.serialLost('the port went away');
    });
    this.serveSerial(port);
  }

  /** One session at a time on the port; when it ends (exit, Ctrl-D) the next one starts. */
  private serveSerial(port: Duplex): void {
    if (this.stopped || port.destroyed) return;
    const serial = this.options.config.console.serial!;
    const mode = serial.terminal === 'ansi' ? 'terminal' : 'dumb';
    const session = this.attach({ stream: port, label: 'serial', mode, requireLogin: true, closeWhenIdle: false, endStreamOnClose: false });
    this.serialSession = session;
    session.onClosed(() => {
      if (this.serialSession === session) this.serialSession = undefined;
      if (this.serial === port) this.serveSerial(port);
    });
  }

  private serialLost(detail: string): void {
    if (this.stopped) return;
    if (!this.serialDown)
      this.report('serial', this.options.config.console.serial!.path, 'lost', `${detail}; retrying every ${SERIAL_RETRY_MS / 1000} s`);
    this.serialDown = true;
    this.serialRetry = this.options.clock.setTimer(() => void this.openSerial(), SERIAL_RETRY_MS);
  }

  private report(transport: 'socket' | 'serial', path: string, state: 'open' | 'lost' | 'closed', detail?: string): void {
    this.events.emit({ type: 'console_transport', atMs: this.options.clock.now(), transport, path, state, ...(detail ? { detail } : {}) });
  }
}
