import { BusScheduler, RtuMaster, TcpMaster, type ModbusMaster, type OpenSerialLink } from '../../protocols/index.ts';
import type { Clock } from '../common/clock.ts';
import { EventEmitter, type Event } from '../common/event.ts';
import { assertNever } from '../common/never.ts';
import type { BusConfig } from '../config/bus-config.ts';
import type { BusEvent } from '../events/events.ts';
import { TimedMaster, type BusTransaction } from './timed-master.ts';

/** A change in a bus's connection, for the journal and the operator. */

/** One RS-485 line or TCP gateway: a transport and the scheduler that gives it one transaction at a time. */
export interface Bus {
  readonly id: string;
  readonly family: 'modbus-rtu' | 'modbus-tcp';
  /** The transport, timed: every call is reported through onTransaction. */
  readonly master: ModbusMaster;
  readonly scheduler: BusScheduler;
  readonly onEvent: Event<BusEvent>;
  /** Each transaction's duration and outcome, for metrics. */
  readonly onTransaction: Event<BusTransaction>;
  /**
   * Opens the port (RTU) and keeps it open, retrying with backoff; resolves after the first attempt,
   * whether it worked or not (axes on a port that is not there trip with port_lost). TCP connects on
   * first use by itself.
   */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Port re-open backoff: a replugged USB adapter is back within a second or two; a dead one costs little. */
const REOPEN_FIRST_MS = 500;
const REOPEN_MAX_MS = 10_000;

/** A bus from its config. `openLink` replaces the real serial port (tests); RTU only. */
export function openBus(config: BusConfig, clock: Clock, openLink?: OpenSerialLink): Bus {
  const events = new EventEmitter<BusEvent>();
  const report = (state: BusEvent['state'], detail?: string, retryInMs?: number) =>
    events.emit({
      type: 'bus',
      atMs: clock.now(),
      bus: config.id,
      state,
      ...(detail ? { detail } : {}),
      ...(retryInMs ? { retryInMs } : {}),
    });
  /** The bus around `master`: its scheduler, and what starts it (a port keeper) and stops it besides the scheduler and the master. */
  const bus = (family: Bus['family'], master: RtuMaster | TcpMaster, keeper?: PortKeeper): Bus => {
    const scheduler = new BusScheduler(clock, master instanceof RtuMaster ? () => master.lineSettled() : undefined);
    const timed = new TimedMaster(master, config.id, clock);
    return {
      id: config.id,
      family,
      master: timed,
      scheduler,
      onEvent: events.event,
      onTransaction: timed.onTransaction,
      start: () => keeper?.start() ?? Promise.resolve(),
      close: async () => {
        keeper?.stop();
        scheduler.close();
        await master.close();
      },
    };
  };
  switch (config.type) {
    case 'rtu': {
      const master = new RtuMaster({
        path: config.path,
        baudRate: config.baudRate,
        parity: config.parity,
        stopBits: config.stopBits,
        slackMs: config.slackMs,
        clock,
        ...(openLink ? { openLink } : {}),
      });
      return bus('modbus-rtu', master, new PortKeeper(master, clock, report));
    }
    case 'tcp':
      return bus('modbus-tcp', new TcpMaster({ host: config.host, port: config.port, timeoutMs: config.responseTimeoutMs, clock }));
    default:
      return assertNever(config, 'bus type');
  }
}

/**
 * Keeps an RTU port open: opens it at start, and after a loss (USB adapter pulled, pty closed) tries
 * again with a doubling backoff. Axes on the port trip meanwhile (their calls fail with port_lost)
 * and re-sync through their breakers once it is back.
 */
class PortKeeper {
  private retryMs = REOPEN_FIRST_MS;
  private timer: { dispose(): void } | undefined;
  private stopped = false;

  constructor(
    private readonly master: RtuMaster,
    private readonly clock: Clock,
    private readonly report: (state: BusEvent['state'], detail?: string, retryInMs?: number) => void,
  ) {
    master.onPortLost((error) => {
      this.report('lost', error.message, this.retryMs);
      this.schedule();
    });
  }

  start(): Promise<void> {
    return this.attempt();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.dispose();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer?.dispose();
    this.timer = this.clock.setTimer(() => void this.attempt(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, REOPEN_MAX_MS);
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.master.open();
      this.retryMs = REOPEN_FIRST_MS;
      this.report('open');
    } catch (error) {
      this.report('open_failed', error instanceof Error ? error.message : String(error), this.retryMs);
      this.schedule();
    }
  }
}
