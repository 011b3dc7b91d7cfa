import { LxServoDriver } from '../../drivers/bus-servo/lx-servo-driver.ts';
import { BusScheduler } from '../../protocols/bus-scheduler.ts';
import { ServoBusMaster } from '../../protocols/bus-servo/servo-bus-master.ts';
import { LX_FORMAT, STS_FORMAT } from '../../protocols/bus-servo/servo-frame.ts';
import { STS_STATUS_BLOCK } from '../../protocols/bus-servo/sts-protocol.ts';
import { StsSyncReader } from '../../protocols/bus-servo/sts-sync-reader.ts';
import { StsServoDriver } from '../../drivers/bus-servo/sts-servo-driver.ts';
import type { OpenSerialLink } from '../../protocols/serial-link.ts';
import type { Clock } from '../common/clock.ts';
import { EventEmitter, type Event } from '../common/event.ts';
import type { AxisConfig } from '../config/index.ts';
import type { LxServoDriverConfig, ServoLineConfig, StsServoDriverConfig } from '../config/bus-config.ts';
import type { BusEvent } from '../events/events.ts';
import { busReporter, PortKeeper } from './port-keeper.ts';
import type { BusTransaction } from './timed-master.ts';

/** One half-duplex bus-servo line: its master, the scheduler that gives it one exchange at a time, its port kept open. */
export interface ServoLine {
  readonly id: string;
  readonly master: ServoBusMaster;
  readonly scheduler: BusScheduler;
  readonly onEvent: Event<BusEvent>;
  /** Each exchange's duration and outcome, for metrics (as a Modbus bus's transactions). */
  readonly onTransaction: Event<BusTransaction>;
  /** An STS line's SYNC_READ of every servo's poll (its `syncRead`, default on). */
  readonly syncReader: StsSyncReader | undefined;
  /** Opens the port (first attempt) and keeps it open, as a Modbus RTU bus does. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** An `lx` or `sts` bus from its config. `openLink` replaces the real serial port (tests). */
export function openServoLine(config: ServoLineConfig, clock: Clock, openLink?: OpenSerialLink): ServoLine {
  const events = new EventEmitter<BusEvent>();
  const master = new ServoBusMaster({
    path: config.path,
    baudRate: config.baudRate,
    format: config.type === 'lx' ? LX_FORMAT : STS_FORMAT,
    clock,
    slackMs: config.slackMs,
    echo: config.echo,
    ...(openLink ? { openLink } : {}),
  });
  const scheduler = new BusScheduler(clock, () => master.lineSettled());
  const syncReader = config.type === 'sts' && config.syncRead ? new StsSyncReader(master, scheduler, clock, STS_STATUS_BLOCK) : undefined;
  const keeper = new PortKeeper(master, clock, busReporter(events, config.id, clock));
  return {
    id: config.id,
    master,
    scheduler,
    onEvent: events.event,
    syncReader,
    onTransaction: (listener) => master.onExchange((exchange) => listener({ bus: config.id, ...exchange })),
    start: () => keeper.start(),
    close: async () => {
      keeper.stop();
      scheduler.close();
      await master.close();
    },
  };
}

/** The driver of one bus-servo axis (LX or STS) on its line. */
export function servoDriver(
  axis: Pick<AxisConfig, 'id' | 'retries'>,
  driver: LxServoDriverConfig | StsServoDriverConfig,
  line: ServoLine,
  clock: Clock,
): LxServoDriver | StsServoDriver {
  const common = { servoId: driver.servoId, master: line.master, scheduler: line.scheduler, clock, mmPerDegree: driver.mmPerDegree };
  const rest = { name: axis.id, maxRetries: axis.retries };
  return driver.type === 'lx-servo'
    ? new LxServoDriver({ ...common, maxTemperatureC: driver.maxTemperatureC, ...rest })
    : new StsServoDriver({
        ...common,
        acceleration: driver.acceleration,
        ...rest,
        ...(line.syncReader ? { syncReader: line.syncReader } : {}),
      });
}
