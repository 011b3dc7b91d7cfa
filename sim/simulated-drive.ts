// One file on purpose (over ~250 lines): one drive at request level. Each request goes through the
// same route (faults, latency, loss), takes effect on the model and is recorded in the stats, and
// those three must agree on when a request counts; the model and the fault set are their own files.
import type { Clock } from '../src/common/clock.ts';
import type { Disposable } from '../src/common/disposable.ts';
import { EventEmitter, type Event } from '../src/common/event.ts';
import { assertNever } from '../src/common/never.ts';
import { seededRandom, type Random } from '../src/common/random.ts';
import { DriveModel, type DriveModelParams, type DriveModelStatus } from './drive-model.ts';
import { ModbusGarbledError } from '../protocols/errors.ts';
import { FaultSet, type ActiveFault, type Delivery, type FaultId, type FaultSpec } from './faults.ts';

/** One request as the drive receives it. */
export type DriveRequest =
  | { readonly op: 'readStatus' }
  | { readonly op: 'moveTo'; readonly targetMm: number; readonly speedMmPerS: number }
  | { readonly op: 'hold' }
  | { readonly op: 'enable' }
  | { readonly op: 'disable' }
  | { readonly op: 'resetAlarm' };

export type DriveOperation = DriveRequest['op'];
/** Every request but readStatus: the ones that change the drive. */
export type DriveCommand = Exclude<DriveRequest, { op: 'readStatus' }>;

/**
 * The drive's answer to a command. It refuses with `alarm` while an alarm is latched (every command
 * but resetAlarm; resetAlarm too while the alarm's cause is still there), and moveTo with
 * `not_enabled` while its power stage is off.
 */
export type CommandReply =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'alarm'; readonly alarmCode: number }
  | { readonly ok: false; readonly reason: 'not_enabled' };

/** Logged for every request when it arrives. `lost` requests had no effect and get no answer. */
export interface RequestRecord {
  readonly atMs: number;
  readonly request: DriveRequest;
  readonly outcome: 'applied' | 'refused' | 'lost';
}

/** Request counters since construction. */
export interface DriveStats {
  readonly received: number;
  readonly lost: number;
  /** Answers delivered so far (refusals included); lags `received - lost` by the answers in flight. */
  readonly answered: number;
  /** Requests that took effect, per operation. */
  readonly applied: Readonly<Record<DriveOperation, number>>;
}

/** A fault as injected; dispose() clears it. */
export interface InjectedFault extends ActiveFault, Disposable {}

export interface SimulatedDriveOptions {
  readonly clock: Clock;
  readonly model: DriveModelParams;
  /** Shown in error messages and logs. Default "sim". */
  readonly name?: string;
  /** Seed of the drive's random source (dropouts, jitter). Default 1. */
  readonly seed?: number;
  /** Answer delay of a healthy drive, ms. Default 1. */
  readonly baseLatencyMs?: number;
  /** Extra answer delay drawn uniformly from [0, jitterMs) per request, ms. Default 0. */
  readonly jitterMs?: number;
}

const READ_STATUS: DriveRequest = { op: 'readStatus' };
const OK: CommandReply = { ok: true };
const NOT_ENABLED: CommandReply = { ok: false, reason: 'not_enabled' };

/**
 * One simulated drive at request level: a DriveModel plus injected faults, on an injected Clock.
 * A request that gets through takes effect when it arrives (at call time) and is answered after the
 * latency; a lost one has no effect and its promise never settles, so callers need a deadline.
 */
export class SimulatedDrive {
  readonly name: string;
  private readonly clock: Clock;
  private readonly model: DriveModel;
  private readonly faults = new FaultSet();
  private readonly random: Random;
  private readonly baseLatencyMs: number;
  private readonly jitterMs: number;
  private readonly requestEmitter = new EventEmitter<RequestRecord>();
  private readonly counters = { received: 0, lost: 0, answered: 0 };
  private readonly applied: Record<DriveOperation, number> = { readStatus: 0, moveTo: 0, hold: 0, enable: 0, disable: 0, resetAlarm: 0 };

  /** Fires for every request on arrival, once it has taken effect (or been refused or lost). */
  readonly onRequest: Event<RequestRecord> = this.requestEmitter.event;

  constructor(options: SimulatedDriveOptions) {
    this.clock = options.clock;
    this.name = options.name ?? 'sim';
    this.model = new DriveModel(options.model, options.clock.now());
    this.random = seededRandom(options.seed ?? 1);
    this.baseLatencyMs = options.baseLatencyMs ?? 1;
    this.jitterMs = options.jitterMs ?? 0;
  }

  /** One status sample, taken when the request arrives. Never refused. */
  readStatus(): Promise<DriveModelStatus> {
    return this.exchange(READ_STATUS, (atMs) => {
      this.record(READ_STATUS, atMs, true);
      return this.model.status();
    });
  }

  /** Starts a move to `targetMm` at `speedMmPerS` (capped at the model's max speed); releases a hold. */
  moveTo(targetMm: number, speedMmPerS: number): Promise<CommandReply> {
    return this.command({ op: 'moveTo', targetMm, speedMmPerS });
  }

  /** Brakes at max deceleration and holds the stop position. Accepted while disabled too. */
  hold(): Promise<CommandReply> {
    return this.command({ op: 'hold' });
  }

  enable(): Promise<CommandReply> {
    return this.command({ op: 'enable' });
  }

  disable(): Promise<CommandReply> {
    return this.command({ op: 'disable' });
  }

  /** Clears the latched alarm, unless an alarm fault is still active. The stage stays off. */
  resetAlarm(): Promise<CommandReply> {
    return this.command({ op: 'resetAlarm' });
  }

  /** The model's state now, without a request: for tests and displays. */
  peekStatus(): DriveModelStatus {
    this.advance(this.clock.now());
    return this.model.status();
  }

  /**
   * What the active comm faults (silent, slow, dropout) do to one request arriving now, decided with
   * the drive's seeded random source; nothing is executed or counted. For front-ends that carry
   * requests over their own transport (the Modbus slave): they drop or delay on the wire by this
   * verdict, then carry out what got through with `execute`.
   */
  routeRequest(): Delivery {
    return this.route();
  }

  /**
   * Carries out a command now, as if it had come over a healthy link: the comm faults are not
   * consulted (the caller's transport has done that), the alarm latch and the power stage still
   * refuse. Counted as received, applied (unless refused) and answered, and emitted on onRequest.
   */
  execute(command: DriveCommand): CommandReply {
    const atMs = this.clock.now();
    this.advance(atMs);
    this.counters.received++;
    const reply = this.take(command, atMs);
    this.counters.answered++;
    return reply;
  }

  stats(): DriveStats {
    return { ...this.counters, applied: { ...this.applied } };
  }

  /** Activates a fault from now on. An alarm latches at once; a jam stops the axis at once. */
  injectFault(spec: FaultSpec): InjectedFault {
    this.advance(this.clock.now());
    const fault = this.faults.add(spec, this.clock.now());
    if (spec.kind === 'alarm') this.model.raiseAlarm(spec.code);
    this.syncJam();
    return { ...fault, dispose: () => void this.clearFault(fault.id) };
  }

  /** Ends a fault. A latched alarm stays latched until resetAlarm. Returns whether it was active. */
  clearFault(id: FaultId): boolean {
    this.advance(this.clock.now());
    const removed = this.faults.remove(id);
    this.syncJam();
    return removed;
  }

  clearAllFaults(): void {
    this.advance(this.clock.now());
    this.faults.removeAll();
    this.syncJam();
  }

  activeFaults(): readonly ActiveFault[] {
    return this.faults.active;
  }

  private command(request: DriveCommand): Promise<CommandReply> {
    return this.exchange(request, (atMs) => this.take(request, atMs));
  }

  /** Applies a command that got through, counts and records it. */
  private take(request: DriveCommand, atMs: number): CommandReply {
    const reply = this.apply(request);
    this.record(request, atMs, reply.ok);
    return reply;
  }

  private record(request: DriveRequest, atMs: number, applied: boolean): void {
    if (applied) this.applied[request.op]++;
    // Checked first so that a drive nobody watches (a soak) builds no record for each status read.
    if (this.requestEmitter.hasListeners) this.requestEmitter.emit({ atMs, request, outcome: applied ? 'applied' : 'refused' });
  }

  private apply(request: DriveCommand): CommandReply {
    const alarmCode = this.model.alarmCode;
    if (alarmCode !== 0) {
      if (request.op !== 'resetAlarm' || this.faults.has('alarm')) return { ok: false, reason: 'alarm', alarmCode };
    }
    switch (request.op) {
      case 'moveTo':
        if (!this.model.enabled) return NOT_ENABLED;
        this.model.moveTo(request.targetMm, request.speedMmPerS);
        return OK;
      case 'hold':
        this.model.hold();
        return OK;
      case 'enable':
        this.model.enable();
        return OK;
      case 'disable':
        this.model.disable();
        return OK;
      case 'resetAlarm':
        this.model.clearAlarm();
        return OK;
      default:
        return assertNever(request, 'request');
    }
  }

  /** Routes one request through the faults; `handle` runs (and records) only if it gets through. */
  private exchange<T>(request: DriveRequest, handle: (atMs: number) => T): Promise<T> {
    const atMs = this.clock.now();
    this.advance(atMs);
    this.counters.received++;
    const delivery = this.route();
    if (delivery.kind === 'lost') {
      this.counters.lost++;
      this.requestEmitter.emit({ atMs, request, outcome: 'lost' });
      return new Promise<T>(() => undefined);
    }
    const reply = handle(atMs);
    return new Promise<T>((resolve, reject) => {
      this.clock.setTimer(() => {
        this.counters.answered++;
        if (delivery.corrupt) reject(new ModbusGarbledError(`${this.name}: the answer to ${request.op} arrived corrupt`));
        else resolve(reply);
      }, delivery.latencyMs);
    });
  }

  /** Draws the jitter, then the faults' verdict, from the seeded random source (in that order). */
  private route(): Delivery {
    const jitterMs = this.jitterMs > 0 ? this.random() * this.jitterMs : 0;
    return this.faults.route(this.random, this.baseLatencyMs + jitterMs, this.clock.now());
  }

  /** Runs the model up to now, with the servo lag a wear fault has grown to by then. */
  private advance(nowMs: number): void {
    this.model.advanceTo(nowMs);
    this.model.setLagFactor(this.faults.lagFactor(nowMs));
  }

  private syncJam(): void {
    this.model.setJammed(this.faults.has('jam'));
  }
}
