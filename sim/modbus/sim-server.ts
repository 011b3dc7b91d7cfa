import type { DriveProfile } from '../../protocols/drive-profile.ts';
import { ExceptionCode } from '../../protocols/pdu.ts';
import { RtuSlave } from '../../protocols/rtu-slave.ts';
import { bitsPerChar } from '../../protocols/rtu-timing.ts';
import type { OpenSerialLink, SerialLineOptions } from '../../protocols/serial-link.ts';
import {
  modbusException,
  type ModbusException,
  type RegisterHandler,
  type RequestInterceptor,
  type TransportFault,
} from '../../protocols/slave-handler.ts';
import { TcpSlave } from '../../protocols/tcp-slave.ts';
import { LX_FORMAT, STS_FORMAT } from '../../protocols/bus-servo/servo-frame.ts';
import { lxAnswerFrame } from '../bus-servo/lx-servo-face.ts';
import { ServoSlave, type ServoHost, type ServoSlaveOptions } from '../bus-servo/servo-slave.ts';
import { stsAnswerFrame, stsSyncReadTurns } from '../bus-servo/sts-servo-face.ts';
import type { Clock } from '../../src/common/clock.ts';
import { EventEmitter, type Event } from '../../src/common/event.ts';
import { seededRandom } from '../../src/common/random.ts';
import type { DriveModelStatus } from '../drive-model.ts';
import type { SimulatedDrive } from '../simulated-drive.ts';
import type { SimEvent } from './sim-events.ts';
import type { SimFaultKind, SimFaultSpec } from './sim-faults.ts';
import { SimUnit, type ActiveSimFault, type SimTransport, type SimUnitStats } from './sim-unit.ts';
import { exchangeTimeMs, type WireTiming } from './wire-time.ts';

/** One drive to serve, at Modbus unit id `unitId` (1..247), with its register map. */
export interface SimUnitSetup {
  readonly unitId: number;
  readonly drive: SimulatedDrive;
  readonly profile: DriveProfile;
}

export interface SimServerOptions {
  readonly clock: Clock;
  readonly units: readonly SimUnitSetup[];
  /** Seed of the answer-damage draws (crc, garbage); unit u draws from seed + u. Default 1. */
  readonly seed?: number;
}

export interface SerialEndpointOptions extends SerialLineOptions {
  /**
   * Delay each answer by the time request + answer take on a real line at `baudRate`, with the line's
   * bits per character (start, 8 data, parity, stop). Default true: a pty has no baud rate.
   */
  readonly wireTime?: boolean;
  /** How the port is opened; default serialport. */
  readonly openLink?: OpenSerialLink;
}

/** The bus-servo protocols the simulator speaks: LX (LewanSoul/Hiwonder) and Feetech STS. */
export type BusServoProtocol = 'lx' | 'sts';

/** Each protocol's frame and servo. */
const SERVO_FACES: Readonly<Record<BusServoProtocol, Pick<ServoSlaveOptions, 'format' | 'answer' | 'turnsOf'>>> = {
  lx: { format: LX_FORMAT, answer: lxAnswerFrame },
  sts: { format: STS_FORMAT, answer: stsAnswerFrame, turnsOf: stsSyncReadTurns },
};

/** A half-duplex bus-servo line the simulated units answer on as servos of `protocol` (their unit ids are the servo ids). */
export interface BusServoEndpointOptions {
  readonly path: string;
  readonly baudRate: number;
  readonly protocol: BusServoProtocol;
  /** Send every received byte back, as a one-wire adapter does. Default false. */
  readonly echo?: boolean;
  /** Delay each answer by the wire time of request and answer. Default true. */
  readonly wireTime?: boolean;
  readonly openLink?: OpenSerialLink;
}

export interface TcpEndpointOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port, reported in the endpoint. */
  readonly port?: number;
}

/** Where a SimServer answers. Over TCP it acts as a gateway: an unknown unit id gets exception 0x0B. */
export type SimEndpoint =
  | { readonly kind: 'serial'; readonly path: string; readonly baudRate: number; readonly wireTime: boolean }
  | {
      readonly kind: 'bus-servo';
      readonly protocol: BusServoProtocol;
      readonly path: string;
      readonly baudRate: number;
      readonly echo: boolean;
    }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/**
 * Simulated drives as Modbus slaves, by unit id, over any number of RTU and TCP endpoints at once.
 * Each unit is a SimUnit: register image from its profile, comm-loss watchdog, injected faults and
 * counters. A request's fate on the wire is the drive's verdict (silent, dropout: dropped; slow, and
 * the drive's own baseLatencyMs and jitter: answer delay) plus the wire faults (crc, garbage,
 * exception) and, on serial endpoints, the wire time. RTU broadcasts (unit 0) are executed on every
 * unit, unaffected by faults and not counted. Valid from construction until close().
 */
export class SimServer implements RegisterHandler, ServoHost {
  private readonly units = new Map<number, SimUnit>();
  private readonly slaves: Array<RtuSlave | TcpSlave | ServoSlave> = [];
  private readonly emitter = new EventEmitter<SimEvent>();
  private readonly clock: Clock;

  /** Commands applied, faults injected and cleared, watchdog holds: see SimEvent. */
  readonly onEvent: Event<SimEvent> = this.emitter.event;

  constructor(options: SimServerOptions) {
    this.clock = options.clock;
    const seed = options.seed ?? 1;
    for (const { unitId, drive, profile } of options.units) {
      if (!Number.isInteger(unitId) || unitId < 1 || unitId > 247) throw new RangeError(`unit id ${unitId} is not in 1..247`);
      if (this.units.has(unitId)) throw new RangeError(`unit id ${unitId} is served twice`);
      const emit = (event: SimEvent) => this.emitter.emit(event);
      this.units.set(unitId, new SimUnit({ unitId, drive, profile, clock: options.clock, random: seededRandom(seed + unitId), emit }));
    }
  }

  unitIds(): readonly number[] {
    return [...this.units.keys()];
  }

  readHoldingRegisters(unitId: number, address: number, count: number): number[] | ModbusException {
    return this.units.get(unitId)?.read(address, count) ?? modbusException(ExceptionCode.GatewayTargetFailedToRespond);
  }

  writeRegisters(unitId: number, address: number, values: readonly number[]): ModbusException | undefined {
    const unit = this.units.get(unitId);
    return unit ? unit.write(address, values) : modbusException(ExceptionCode.GatewayTargetFailedToRespond);
  }

  /** Opens a serial port and answers on it; rejects with PortClosedError when it cannot be opened. */
  async attachSerial(options: SerialEndpointOptions): Promise<SimEndpoint> {
    const wireTime = options.wireTime ?? true;
    const timing: WireTiming | undefined = wireTime
      ? { baudRate: options.baudRate, bitsPerChar: bitsPerChar(options.parity, options.stopBits) }
      : undefined;
    const slave = new RtuSlave({ ...options, clock: this.clock, handler: this, interceptor: this.interceptor('rtu', timing) });
    await slave.open();
    this.slaves.push(slave);
    return { kind: 'serial', path: options.path, baudRate: options.baudRate, wireTime };
  }

  /**
   * Opens a serial port and answers on it as bus servos (LX or STS): the same drives, faults and
   * counters as on Modbus; no comm-loss watchdog (these servos have none). Rejects when it cannot open.
   */
  async attachBusServo(options: BusServoEndpointOptions): Promise<SimEndpoint> {
    const echo = options.echo ?? false;
    const slave = new ServoSlave({
      path: options.path,
      baudRate: options.baudRate,
      ...SERVO_FACES[options.protocol],
      clock: this.clock,
      host: this,
      echo,
      wireTime: options.wireTime ?? true,
      ...(options.openLink ? { openLink: options.openLink } : {}),
    });
    await slave.open();
    this.slaves.push(slave);
    return { kind: 'bus-servo', protocol: options.protocol, path: options.path, baudRate: options.baudRate, echo };
  }

  driveOf(id: number): SimulatedDrive {
    return this.unit(id).drive;
  }

  interceptServo(id: number): TransportFault {
    return this.unit(id).interceptFrame('servo', 0);
  }

  /** Listens on a TCP port (no wire time: TCP has no baud rate); rejects when it cannot listen. */
  async attachTcp(options: TcpEndpointOptions = {}): Promise<SimEndpoint> {
    const slave = new TcpSlave({ ...options, clock: this.clock, handler: this, interceptor: this.interceptor('tcp', undefined) });
    const { host, port } = await slave.listen();
    this.slaves.push(slave);
    return { kind: 'tcp', host, port };
  }

  /** Starts a fault on a unit now; throws a RangeError for an unknown unit or a bad spec. */
  inject(unitId: number, spec: SimFaultSpec): ActiveSimFault {
    return this.unit(unitId).inject(spec);
  }

  /** Ends a unit's faults of `kind`, or all of them; returns those that ended. A latched alarm stays latched. */
  clear(unitId: number, kind?: SimFaultKind): readonly ActiveSimFault[] {
    return this.unit(unitId).clear(kind);
  }

  faults(unitId: number): readonly ActiveSimFault[] {
    return this.unit(unitId).faults();
  }

  stats(unitId: number): SimUnitStats {
    return this.unit(unitId).stats();
  }

  /** The drive's state now, without a request. */
  status(unitId: number): DriveModelStatus {
    return this.unit(unitId).drive.peekStatus();
  }

  /** Closes every endpoint and stops the watchdogs. */
  async close(): Promise<void> {
    const slaves = this.slaves.splice(0);
    await Promise.all(slaves.map((slave) => slave.close()));
    for (const unit of this.units.values()) unit.dispose();
  }

  private unit(unitId: number): SimUnit {
    const unit = this.units.get(unitId);
    if (!unit) throw new RangeError(`no simulated unit ${unitId} (serving ${this.unitIds().join(',')})`);
    return unit;
  }

  /** Broadcasts (RTU unit 0) and unknown units (TCP gateway answer) pass untouched. */
  private interceptor(transport: SimTransport, timing: WireTiming | undefined): RequestInterceptor {
    return (intercepted) => {
      const unit = this.units.get(intercepted.unitId);
      if (!unit) return undefined;
      const wireTimeMs = timing && intercepted.request ? exchangeTimeMs(intercepted.request, timing) : 0;
      return unit.intercept(intercepted, transport, wireTimeMs);
    };
  }
}
