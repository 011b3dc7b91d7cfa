import type { DriveProfile } from '../../protocols/drive-profile.ts';
import { modbusException, type InterceptedRequest, type ModbusException, type TransportFault } from '../../protocols/slave-handler.ts';
import type { Clock } from '../../src/common/clock.ts';
import type { Disposable } from '../../src/common/disposable.ts';
import type { Random } from '../../src/common/random.ts';
import type { DriveStats, SimulatedDrive } from '../simulated-drive.ts';
import { CommWatchdog } from './comm-watchdog.ts';
import { RegisterImage } from './register-image.ts';
import type { SimEvent } from './sim-events.ts';
import { damageAnswer, injectedException, isWireFault, validateSimFault, type SimFaultKind, type SimFaultSpec } from './sim-faults.ts';

/** Per-unit counters of a SimServer, since it started. */
export interface SimUnitCounters {
  /** Requests addressed to the unit (broadcasts not counted). */
  readonly requests: number;
  /** Answers sent, exceptions and damaged ones included. */
  readonly answered: number;
  /** Requests lost to a silent or dropout fault: not executed, not answered. */
  readonly dropped: number;
  /** Answers sent with a wrong CRC. */
  readonly crcCorrupted: number;
  /** Answers preceded by garbage bytes. */
  readonly garbageBursts: number;
  /** Answers that were Modbus exceptions (refused registers or values, injected exceptions). */
  readonly exceptions: number;
  /** Holds made by the drive's comm-loss watchdog. */
  readonly watchdogHolds: number;
  /**
   * Longest time between two requests that reached the unit while its comm-loss watchdog was armed,
   * ms (0 before the second one): how close the master came to letting the watchdog fire.
   */
  readonly longestRequestGapMs: number;
  /** When that longest gap ended (the request that closed it arrived), ms on the sim's Clock; 0 before it. */
  readonly longestRequestGapEndedAtMs: number;
}

/** Counters plus the commands the drive applied, per operation. */
export interface SimUnitStats extends SimUnitCounters {
  readonly applied: DriveStats['applied'];
}

/** A fault in force on a unit, since `sinceMs` on the server's Clock. */
export interface ActiveSimFault {
  readonly spec: SimFaultSpec;
  readonly sinceMs: number;
}

interface Entry extends ActiveSimFault {
  readonly release: () => void;
}

export interface SimUnitOptions {
  readonly unitId: number;
  readonly drive: SimulatedDrive;
  readonly profile: DriveProfile;
  readonly clock: Clock;
  /** Draws for answer damage (crc, garbage). */
  readonly random: Random;
  readonly emit: (event: SimEvent) => void;
}

/** What a degrading link puts before an answer on TCP: bytes no MBAP header starts with. */
const LINK_GARBAGE = Uint8Array.of(0xff, 0xff, 0xff);

/** The transport a request came over: RTU and bus-servo frames have a checksum to corrupt, TCP has none. */
export type SimTransport = 'rtu' | 'tcp' | 'servo';

/**
 * One simulated drive behind a Modbus unit id: its register image, its comm-loss watchdog, the
 * faults injected into it and its counters. Requests that get past `intercept` (not dropped) are
 * served by `read` / `write`, and each one feeds the watchdog.
 */
export class SimUnit implements Disposable {
  private readonly image: RegisterImage;
  private readonly watchdog: CommWatchdog;
  private readonly subscription: Disposable;
  private entries: readonly Entry[] = [];
  private readonly count = {
    requests: 0,
    answered: 0,
    dropped: 0,
    crcCorrupted: 0,
    garbageBursts: 0,
    exceptions: 0,
    watchdogHolds: 0,
    longestRequestGapMs: 0,
    longestRequestGapEndedAtMs: 0,
  };
  private lastRequestAtMs: number | undefined;

  constructor(private readonly options: SimUnitOptions) {
    const { unitId, drive, profile, clock, emit } = options;
    this.image = new RegisterImage(drive, profile);
    this.watchdog = new CommWatchdog(clock, (silentForMs, timeoutMs) => this.onCommLoss(silentForMs, timeoutMs));
    this.subscription = drive.onRequest((record) => emit({ type: 'command', unitId, ...record }));
  }

  get drive(): SimulatedDrive {
    return this.options.drive;
  }

  /** The wire's verdict on one Modbus request for this unit; `wireTimeMs` is added to every answer's delay. */
  intercept(request: InterceptedRequest, transport: SimTransport, wireTimeMs: number): TransportFault {
    const fault = this.interceptFrame(transport, wireTimeMs);
    if (!fault.dropRequest && !request.request) this.count.exceptions++; // the transport answers what it could not decode
    return fault;
  }

  /** The wire's verdict on one request of any protocol for this unit: dropped, delayed, damaged. */
  interceptFrame(transport: SimTransport, wireTimeMs: number): TransportFault {
    this.count.requests++;
    this.timeRequestGap();
    const delivery = this.drive.routeRequest();
    if (delivery.kind === 'lost') {
      this.count.dropped++;
      return { dropRequest: true };
    }
    this.count.answered++;
    // A degrading link (a drive fault that grows) damages the answer as the wire faults do: its checksum where it has one, garbage on TCP.
    const hasChecksum = transport !== 'tcp';
    const damage = damageAnswer(this.specs(), this.options.random, hasChecksum);
    const corruptCrc = damage.corruptCrc || (delivery.corrupt && hasChecksum);
    const garbageBefore = damage.garbageBefore ?? (delivery.corrupt && transport === 'tcp' ? LINK_GARBAGE : undefined);
    if (corruptCrc) this.count.crcCorrupted++;
    if (garbageBefore) this.count.garbageBursts++;
    return { delayMs: delivery.latencyMs + wireTimeMs, corruptCrc, garbageBefore };
  }

  read(address: number, count: number): number[] | ModbusException {
    return this.serve(() => this.image.read(address, count));
  }

  write(address: number, values: readonly number[]): ModbusException | undefined {
    return this.serve(() => this.image.write(address, values));
  }

  /** Starts a fault now. Alarm and jam act on the drive at once. Throws a RangeError for a bad spec. */
  inject(spec: SimFaultSpec): ActiveSimFault {
    validateSimFault(spec);
    const sinceMs = this.options.clock.now();
    const release = isWireFault(spec) ? () => undefined : disposeOf(this.drive.injectFault(spec));
    const entry: Entry = { spec, sinceMs, release };
    this.entries = [...this.entries, entry];
    this.options.emit({ type: 'fault_injected', atMs: sinceMs, unitId: this.options.unitId, fault: spec });
    return { spec, sinceMs };
  }

  /** Ends the faults of `kind` (every fault when undefined); a latched alarm stays latched. Returns them. */
  clear(kind?: SimFaultKind): readonly ActiveSimFault[] {
    const ending = this.entries.filter((e) => kind === undefined || e.spec.kind === kind);
    this.entries = this.entries.filter((e) => !ending.includes(e));
    const atMs = this.options.clock.now();
    for (const entry of ending) {
      entry.release();
      this.options.emit({ type: 'fault_cleared', atMs, unitId: this.options.unitId, fault: entry.spec });
    }
    return ending.map(({ spec, sinceMs }) => ({ spec, sinceMs }));
  }

  faults(): readonly ActiveSimFault[] {
    return this.entries.map(({ spec, sinceMs }) => ({ spec, sinceMs }));
  }

  stats(): SimUnitStats {
    return { ...this.count, applied: this.drive.stats().applied };
  }

  dispose(): void {
    this.watchdog.dispose();
    this.subscription.dispose();
  }

  /** Runs one request that got through: refused by an injected exception, or executed; feeds the watchdog. */
  private serve<T>(execute: () => T | ModbusException): T | ModbusException {
    const code = injectedException(this.specs());
    const result = code === undefined ? execute() : modbusException(code);
    this.watchdog.feed(this.image.commLossTimeoutMs);
    if (isException(result)) this.count.exceptions++;
    return result;
  }

  /** A gap counts only while the watchdog is armed: before the master enables it, silence is allowed. */
  private timeRequestGap(): void {
    const nowMs = this.options.clock.now();
    const armed = this.image.commLossTimeoutMs > 0;
    if (armed && this.lastRequestAtMs !== undefined && nowMs - this.lastRequestAtMs > this.count.longestRequestGapMs) {
      this.count.longestRequestGapMs = nowMs - this.lastRequestAtMs;
      this.count.longestRequestGapEndedAtMs = nowMs;
    }
    this.lastRequestAtMs = armed ? nowMs : undefined;
  }

  private onCommLoss(silentForMs: number, timeoutMs: number): void {
    if (!this.drive.peekStatus().enabled) return;
    this.count.watchdogHolds++;
    this.options.emit({ type: 'watchdog_hold', atMs: this.options.clock.now(), unitId: this.options.unitId, silentForMs, timeoutMs });
    this.drive.execute({ op: 'hold' });
  }

  private specs(): SimFaultSpec[] {
    return this.entries.map((e) => e.spec);
  }
}

const disposeOf = (disposable: Disposable) => () => disposable.dispose();

const isException = (result: unknown): result is ModbusException =>
  typeof result === 'object' && result !== null && (result as { kind?: unknown }).kind === 'exception';
