import type { BusPriority, BusScheduler } from '../../protocols/bus-scheduler.ts';
import {
  isLxAnswer,
  LX_ANSWER_PARAMS,
  LX_MAX_MOVE_TIME_MS,
  LX_MAX_POSITION,
  LX_UNITS_PER_DEGREE,
  lxAnswerValue,
  lxCommand,
  LxCommand,
  lxMoveTimeWrite,
} from '../../protocols/bus-servo/lx-protocol.ts';
import type { ServoBusMaster } from '../../protocols/bus-servo/servo-bus-master.ts';
import type { Clock } from '../../src/common/clock.ts';
import { requireFinite } from '../../src/common/require-finite.ts';
import type { AxisDriver, CallOptions, DriveStatus, MoveCommand, ReadStatusOptions } from '../contract.ts';
import { DriveCommError, DriveFaultError } from '../errors.ts';
import type { LinkStats } from '../link-stats.ts';
import { ServoChannel, setpointOf, type CommandedMove, type ServoIo } from './servo-channel.ts';

/** Alarm codes, the LX protocol's own fault bits (PDF p.8, cmd 35): it reports none live, so the driver judges them from its reads. */
export const LX_ALARM = { overTemperature: 1, overVoltage: 2 } as const;

export interface LxServoDriverOptions {
  /** The servo's id on its line, 0..253. */
  readonly servoId: number;
  readonly master: ServoBusMaster;
  readonly scheduler: BusScheduler;
  readonly clock: Clock;
  /** Axis mm per degree of servo angle (1: the axis is in degrees). */
  readonly mmPerDegree: number;
  /** Over this temperature, °C, the servo is in alarm. Default 70. */
  readonly maxTemperatureC?: number;
  /** Outside this input voltage, mV, the servo is in alarm. Default 4500..12000 (the servo's own limits). */
  readonly voltageRangeMv?: readonly [number, number];
  readonly name?: string;
  readonly maxRetries?: number;
}

/** Temperature, voltage and torque state are read one per status read, in turn: each costs an exchange. */
const HEALTH_READS = [LxCommand.tempRead, LxCommand.vinRead, LxCommand.loadOrUnloadRead] as const;
/** Within this many position units (about half a degree) a stopped servo counts as at its target. */
const IN_POSITION_UNITS = 2;

/**
 * AxisDriver for an LX-protocol bus servo (LewanSoul/Hiwonder LX-16A and compatibles) on a
 * half-duplex line shared through the bus scheduler. Position 0..1000 over 240 degrees, mapped to mm
 * by `mmPerDegree`. What the servo cannot report the driver keeps: the move it commanded (so the
 * profile setpoint, the following error, moving and target reached are the driver's), velocity from
 * two successive positions, the alarm from the temperature and voltage it reads in turn.
 *
 * These servos have **no comm-loss watchdog**: when the supervisor goes quiet they keep their last
 * target. README says so; hold is sent on every stop path.
 */
export class LxServoDriver implements AxisDriver {
  readonly family = 'lx-servo';
  private readonly channel: ServoChannel;
  private readonly label: string;
  private readonly mmPerUnit: number;
  private move: CommandedMove | undefined;
  private heldAtMm: number | undefined;
  private enabled = false;
  private alarm = 0;
  private temperatureC: number | undefined;
  private voltageMv: number | undefined;
  private last: { readonly mm: number; readonly atMs: number } | undefined;
  private velocityMmPerS = 0;
  private nextHealth = 0;

  constructor(private readonly options: LxServoDriverOptions) {
    const { servoId, mmPerDegree } = options;
    if (!Number.isInteger(servoId) || servoId < 0 || servoId > 253) throw new RangeError(`servoId must be 0..253, got ${servoId}`);
    if (!(mmPerDegree > 0)) throw new RangeError(`mmPerDegree must be > 0, got ${mmPerDegree}`);
    this.mmPerUnit = mmPerDegree / LX_UNITS_PER_DEGREE;
    this.label = `${options.name ?? 'lx servo'} (id ${servoId})`;
    this.channel = new ServoChannel(options.master, options.scheduler, options.clock, this.label, options.maxRetries ?? 0);
  }

  get link(): LinkStats {
    return this.channel.link;
  }

  /** POS_READ, and one of temperature, voltage or torque state in turn (that one may fail without failing the read), in one bus slot. */
  async readStatus(options: ReadStatusOptions): Promise<DriveStatus> {
    const priority: BusPriority = options.purpose === 'probe' ? 'probe' : 'poll';
    const health = HEALTH_READS[this.nextHealth]!;
    this.nextHealth = (this.nextHealth + 1) % HEALTH_READS.length;
    const [position, healthValue] = await this.channel.run(priority, options.deadlineMs, 'readStatus', async (io) => [
      await this.read(io, LxCommand.posRead),
      await this.read(io, health).catch(() => undefined),
    ]);
    if (healthValue !== undefined) this.noteHealth(health, healthValue);
    return this.status(position!);
  }

  async moveTo(command: MoveCommand, options: CallOptions): Promise<void> {
    requireFinite('targetMm', command.targetMm);
    requireFinite('speedMmPerS', command.speedMmPerS);
    if (command.speedMmPerS <= 0) throw new RangeError(`speedMmPerS must be > 0, got ${command.speedMmPerS}`);
    const target = this.toUnits(command.targetMm);
    this.refuseIfAlarm('moveTo');
    if (!this.enabled) throw new DriveCommError('exception', `${this.label}: moveTo refused, torque off (unloaded)`);
    const fromMm = this.last?.mm ?? command.targetMm;
    const durationMs = Math.round((Math.abs(command.targetMm - fromMm) / command.speedMmPerS) * 1000);
    if (durationMs > LX_MAX_MOVE_TIME_MS)
      throw new RangeError(`${this.label}: a move of ${durationMs} ms is longer than the 30000 ms an LX move may take; raise the speed`);
    await this.send('command', options.deadlineMs, 'moveTo', lxMoveTimeWrite(this.options.servoId, target, durationMs));
    this.move = { fromMm, toMm: target * this.mmPerUnit, startMs: this.options.clock.now(), durationMs };
    this.heldAtMm = undefined;
  }

  /** MOVE_STOP: the servo stops where it is and keeps its torque. */
  async hold(options: CallOptions): Promise<void> {
    await this.send('hold', options.deadlineMs, 'hold', lxCommand(this.options.servoId, LxCommand.moveStop));
    this.heldAtMm = this.estimateMm();
    this.move = undefined;
  }

  /** Reads the position, commands it as the target (no jump), then loads (torque on). */
  async enable(options: CallOptions): Promise<void> {
    this.refuseIfAlarm('enable');
    const id = this.options.servoId;
    await this.channel.run('command', options.deadlineMs, 'enable', async (io) => {
      const position = await this.read(io, LxCommand.posRead);
      const here = Math.min(LX_MAX_POSITION, Math.max(0, position));
      await io.send(lxMoveTimeWrite(id, here, 0));
      await io.send(lxCommand(id, LxCommand.loadOrUnloadWrite, 1));
      this.heldAtMm = here * this.mmPerUnit;
      this.move = undefined;
    });
    this.enabled = true;
  }

  /** Unload: torque off. */
  async disable(options: CallOptions): Promise<void> {
    await this.send('command', options.deadlineMs, 'disable', lxCommand(this.options.servoId, LxCommand.loadOrUnloadWrite, 0));
    this.enabled = false;
    this.move = undefined;
  }

  /** Reads temperature and voltage again: the alarm clears once both are within their limits. */
  async resetAlarm(options: CallOptions): Promise<void> {
    const [temperature, voltage] = await this.channel.run('command', options.deadlineMs, 'resetAlarm', async (io) => [
      await this.read(io, LxCommand.tempRead),
      await this.read(io, LxCommand.vinRead),
    ]);
    this.alarm = 0;
    this.noteHealth(LxCommand.tempRead, temperature!);
    this.noteHealth(LxCommand.vinRead, voltage!);
    this.refuseIfAlarm('resetAlarm');
  }

  async close(): Promise<void> {
    this.channel.close();
  }

  private async read(io: ServoIo, command: number): Promise<number> {
    const id = this.options.servoId;
    const answerBytes = 6 + (LX_ANSWER_PARAMS[command] ?? 0);
    const frame = await io.ask(lxCommand(id, command), { isAnswer: (f) => isLxAnswer(f, id, command), answerBytes });
    return lxAnswerValue(frame, command);
  }

  private send(priority: BusPriority, deadlineMs: number, what: string, frame: Uint8Array): Promise<void> {
    return this.channel.run(priority, deadlineMs, what, (io) => io.send(frame));
  }

  private status(position: number): DriveStatus {
    const nowMs = this.options.clock.now();
    const mm = position * this.mmPerUnit;
    if (this.last && nowMs > this.last.atMs) this.velocityMmPerS = ((mm - this.last.mm) * 1000) / (nowMs - this.last.atMs);
    this.last = { mm, atMs: nowMs };
    const move = this.move;
    const moving = move !== undefined && nowMs < move.startMs + move.durationMs;
    const setpointMm = move ? setpointOf(move, nowMs) : (this.heldAtMm ?? mm);
    const targetMm = move ? move.toMm : setpointMm;
    return {
      positionMm: mm,
      targetMm,
      velocityMmPerS: this.velocityMmPerS,
      followingErrorMm: this.enabled ? setpointMm - mm : 0,
      alarmCode: this.alarm,
      enabled: this.enabled,
      ready: this.alarm === 0,
      moving,
      holding: this.heldAtMm !== undefined && this.enabled,
      targetReached: !moving && Math.abs(targetMm - mm) <= IN_POSITION_UNITS * this.mmPerUnit,
    };
  }

  private noteHealth(command: number, value: number): void {
    if (command === LxCommand.tempRead) this.temperatureC = value;
    else if (command === LxCommand.vinRead) this.voltageMv = value;
    else if (command === LxCommand.loadOrUnloadRead) this.enabled = value === 1;
    const [minMv, maxMv] = this.options.voltageRangeMv ?? [4500, 12_000];
    if (this.temperatureC !== undefined && this.temperatureC > (this.options.maxTemperatureC ?? 70)) this.alarm |= LX_ALARM.overTemperature;
    if (this.voltageMv !== undefined && (this.voltageMv < minMv || this.voltageMv > maxMv)) this.alarm |= LX_ALARM.overVoltage;
  }

  private refuseIfAlarm(operation: string): void {
    if (this.alarm === 0) return;
    const why = [
      this.alarm & LX_ALARM.overTemperature ? `over temperature (${this.temperatureC} °C)` : '',
      this.alarm & LX_ALARM.overVoltage ? `voltage out of range (${this.voltageMv} mV)` : '',
    ].filter(Boolean);
    throw new DriveFaultError(this.alarm, `${this.label}: ${operation} refused, alarm ${this.alarm}: ${why.join(', ')}`);
  }

  private toUnits(mm: number): number {
    const units = Math.round(mm / this.mmPerUnit);
    if (units < 0 || units > LX_MAX_POSITION)
      throw new RangeError(
        `${this.label}: ${mm} mm is outside the servo's 0..240 degrees (0..${(LX_MAX_POSITION * this.mmPerUnit).toFixed(1)} mm)`,
      );
    return units;
  }

  private estimateMm(): number {
    const nowMs = this.options.clock.now();
    return this.move ? Math.min(setpointOf(this.move, nowMs), this.last?.mm ?? Number.POSITIVE_INFINITY) : (this.last?.mm ?? 0);
  }
}
