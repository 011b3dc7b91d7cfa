import { BusScheduler, RtuMaster, TcpMaster, type ModbusMaster, type OpenSerialLink } from '../../protocols/index.ts';
import type { Clock } from '../common/clock.ts';
import { EventEmitter, type Event } from '../common/event.ts';
import { assertNever } from '../common/never.ts';
import type { BusConfig } from '../config/bus-config.ts';
import type { BusEvent } from '../events/events.ts';
import { TimedMaster, type BusTransaction } from './timed-master.ts';
import { busReporter, PortKeeper } from './port-keeper.ts';

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

/** A Modbus bus's config (an `lx` bus is a servo line, see servo-lines.ts). */
export type ModbusBusConfig = Extract<BusConfig, { type: 'rtu' | 'tcp' }>;

export const isModbusBusConfig = (config: BusConfig): config is ModbusBusConfig => config.type === 'rtu' || config.type === 'tcp';

/** A bus from its config. `openLink` replaces the real serial port (tests); RTU only. */
export function openBus(config: ModbusBusConfig, clock: Clock, openLink?: OpenSerialLink): Bus {
  const events = new EventEmitter<BusEvent>();
  const report = busReporter(events, config.id, clock);
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
