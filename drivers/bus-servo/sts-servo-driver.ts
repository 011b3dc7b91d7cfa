import type { BusPriority, BusScheduler } from '../../protocols/bus-scheduler.ts';
import type { ServoBusMaster } from '../../protocols/bus-servo/servo-bus-master.ts';
import {
  fromSignMagnitude,
  isStsStatus,
  STS_ERROR,
  STS_ERROR_MASK,
  STS_MAX_POSITION,
  STS_STATUS_BLOCK,
  STS_READ_BYTES,
  STS_STEPS_PER_DEGREE,
  StsRegister,
  stsMoveWrite,
  stsRead,
  stsStatusBytes,
  stsValue,
  stsWrite,
} from '../../protocols/bus-servo/sts-protocol.ts';
import type { StsSyncReader } from '../../protocols/bus-servo/sts-sync-reader.ts';
import type { Clock } from '../../src/common/clock.ts';
import { requireFinite } from '../../src/common/require-finite.ts';
import type { AxisDriver, CallOptions, DriveStatus, MoveCommand, ReadStatusOptions } from '../contract.ts';
import { DriveCommError, DriveFaultError } from '../errors.ts';
import type { LinkStats } from '../link-stats.ts';
import { ServoChannel, setpointOf, type CommandedMove, type ServoIo } from './servo-channel.ts';

export interface StsServoDriverOptions {
  readonly servoId: number;
  readonly master: ServoBusMaster;
  readonly scheduler: BusScheduler;
  readonly clock: Clock;
  /** Axis mm per degree of servo angle (1: the axis is in degrees). */
  readonly mmPerDegree: number;
  /** Register 41, in 100 steps/s²; 0 (the default) lets the servo accelerate as fast as it can. */
  readonly acceleration?: number;
  readonly name?: string;
  readonly maxRetries?: number;
  /** The line's SYNC_READ of the status block: polls go through it (probes and command reads stay single READs). */
  readonly syncReader?: StsSyncReader;
}

/** Within this many steps (about 0.7 degrees) a stopped servo counts as at its target. */
const IN_POSITION_STEPS = 8;

const ERROR_NAMES: ReadonlyArray<readonly [number, string]> = [
  [STS_ERROR.voltage, 'input voltage'],
  [STS_ERROR.angleSensor, 'angle sensor'],
  [STS_ERROR.overheat, 'overheat'],
  [STS_ERROR.overCurrent, 'over-current'],
  [STS_ERROR.overload, 'overload'],
];

/**
 * AxisDriver for a Feetech STS bus servo (STS3215 and its kind, 4096 steps per turn) on a
 * half-duplex line shared through the bus scheduler. One status read covers registers 40..66 in one
 * exchange: torque enable, goal position, present position and speed, voltage, temperature, moving;
 * the status packet's error byte (voltage, angle sensor, overheat, over-current, overload) is the
 * alarm code. The following error is against the move the driver commanded at constant speed (the
 * servo reports no setpoint of its own). Writes are acknowledged (status return level 1, the
 * servo's default) and, being absolute values, may be repeated within the deadline.
 *
 * These servos have **no comm-loss watchdog**: when the supervisor goes quiet they keep their last
 * target.
 */
export class StsServoDriver implements AxisDriver {
  readonly family = 'sts-servo';
  private readonly channel: ServoChannel;
  private readonly label: string;
  private readonly mmPerStep: number;
  private move: CommandedMove | undefined;
  private heldAtMm: number | undefined;

  constructor(private readonly options: StsServoDriverOptions) {
    const { servoId, mmPerDegree } = options;
    if (!Number.isInteger(servoId) || servoId < 0 || servoId > 253) throw new RangeError(`servoId must be 0..253, got ${servoId}`);
    if (!(mmPerDegree > 0)) throw new RangeError(`mmPerDegree must be > 0, got ${mmPerDegree}`);
    this.mmPerStep = mmPerDegree / STS_STEPS_PER_DEGREE;
    this.label = `${options.name ?? 'sts servo'} (id ${servoId})`;
    this.channel = new ServoChannel(options.master, options.scheduler, options.clock, this.label, options.maxRetries ?? 0);
  }

  get link(): LinkStats {
    return this.channel.link;
  }

  async readStatus(options: ReadStatusOptions): Promise<DriveStatus> {
    const { syncReader, servoId, master } = this.options;
    const { deadlineMs, purpose } = options;
    if (syncReader && purpose !== 'probe') {
      const { error, data } = await this.channel.readTogether(
        deadlineMs,
        () =>
          syncReader
            .read(servoId, deadlineMs)
            .then((block) => ({ value: { error: block.error & STS_ERROR_MASK, data: block.data }, answerMs: block.answerMs })),
        (io) => this.readBlock(io),
        master.exchangeBudgetMs(STS_READ_BYTES, stsStatusBytes(STS_STATUS_BLOCK.length)),
      );
      return this.status(error, data);
    }
    const priority: BusPriority = purpose === 'probe' ? 'probe' : 'poll';
    const { error, data } = await this.channel.run(priority, deadlineMs, 'readStatus', (io) => this.readBlock(io));
    return this.status(error, data);
  }

  async moveTo(command: MoveCommand, options: CallOptions): Promise<void> {
    requireFinite('targetMm', command.targetMm);
    requireFinite('speedMmPerS', command.speedMmPerS);
    if (command.speedMmPerS <= 0) throw new RangeError(`speedMmPerS must be > 0, got ${command.speedMmPerS}`);
    const target = this.toSteps(command.targetMm);
    const id = this.options.servoId;
    await this.channel.run('command', options.deadlineMs, 'moveTo', async (io) => {
      const { error, data } = await this.readBlock(io);
      this.refuseIfFaulted(error, 'moveTo');
      if (stsValue(data, STS_STATUS_BLOCK.address, StsRegister.torqueEnable, 1) !== 1)
        throw new DriveCommError('exception', `${this.label}: moveTo refused, torque off`);
      const fromMm = this.positionOf(data);
      await this.write(io, stsMoveWrite(id, target, command.speedMmPerS / this.mmPerStep, this.options.acceleration ?? 0));
      const durationMs = (Math.abs(target * this.mmPerStep - fromMm) / command.speedMmPerS) * 1000;
      this.move = { fromMm, toMm: target * this.mmPerStep, startMs: this.options.clock.now(), durationMs };
      this.heldAtMm = undefined;
    });
  }

  /** Reads where the servo is and makes that its goal: it stops there, torque kept. */
  async hold(options: CallOptions): Promise<void> {
    const id = this.options.servoId;
    await this.channel.run('hold', options.deadlineMs, 'hold', async (io) => {
      const position = await this.readPosition(io);
      await this.write(io, stsWrite(id, StsRegister.goalPosition, [position & 0xff, position >> 8]));
      this.heldAtMm = position * this.mmPerStep;
      this.move = undefined;
    });
  }

  /** Reads the position, writes it as the goal (no jump), then enables the torque. */
  async enable(options: CallOptions): Promise<void> {
    const id = this.options.servoId;
    await this.channel.run('command', options.deadlineMs, 'enable', async (io) => {
      const { error, data } = await this.readBlock(io);
      this.refuseIfFaulted(error, 'enable');
      const position = Math.round(this.positionOf(data) / this.mmPerStep);
      await this.write(io, stsWrite(id, StsRegister.goalPosition, [position & 0xff, position >> 8]));
      await this.write(io, stsWrite(id, StsRegister.torqueEnable, [1]));
      this.heldAtMm = position * this.mmPerStep;
      this.move = undefined;
    });
  }

  async disable(options: CallOptions): Promise<void> {
    await this.channel.run('command', options.deadlineMs, 'disable', (io) =>
      this.write(io, stsWrite(this.options.servoId, StsRegister.torqueEnable, [0])),
    );
    this.move = undefined;
  }

  /** The servo clears its error bits itself once their cause is gone: read again, refuse while one is still set. */
  async resetAlarm(options: CallOptions): Promise<void> {
    const { error } = await this.channel.run('command', options.deadlineMs, 'resetAlarm', (io) => this.readBlock(io));
    this.refuseIfFaulted(error, 'resetAlarm');
  }

  async close(): Promise<void> {
    this.channel.close();
  }

  private async readBlock(io: ServoIo): Promise<{ readonly error: number; readonly data: Uint8Array }> {
    const id = this.options.servoId;
    const { address, length } = STS_STATUS_BLOCK;
    const frame = await io.ask(stsRead(id, address, length), {
      isAnswer: (f) => isStsStatus(f, id, length),
      answerBytes: stsStatusBytes(length),
    });
    return { error: frame.body[0]! & STS_ERROR_MASK, data: frame.body.subarray(1) };
  }

  private async readPosition(io: ServoIo): Promise<number> {
    const id = this.options.servoId;
    const frame = await io.ask(stsRead(id, StsRegister.presentPosition, 2), {
      isAnswer: (f) => isStsStatus(f, id, 2),
      answerBytes: stsStatusBytes(2),
    });
    return fromSignMagnitude(frame.body[1]! | (frame.body[2]! << 8));
  }

  /** A write, acknowledged by a status packet without data; an error byte in it is the servo's alarm. */
  private async write(io: ServoIo, frame: Uint8Array): Promise<void> {
    const id = this.options.servoId;
    await io.ask(frame, { isAnswer: (f) => isStsStatus(f, id, 0), answerBytes: stsStatusBytes(0) });
  }

  private positionOf(data: Uint8Array): number {
    return fromSignMagnitude(stsValue(data, STS_STATUS_BLOCK.address, StsRegister.presentPosition, 2)) * this.mmPerStep;
  }

  private status(error: number, data: Uint8Array): DriveStatus {
    const block = STS_STATUS_BLOCK.address;
    const nowMs = this.options.clock.now();
    const mm = this.positionOf(data);
    const enabled = stsValue(data, block, StsRegister.torqueEnable, 1) === 1;
    const moving = stsValue(data, block, StsRegister.moving, 1) === 1;
    const velocity = fromSignMagnitude(stsValue(data, block, StsRegister.presentSpeed, 2)) * this.mmPerStep;
    const move = this.move;
    const setpointMm = move ? setpointOf(move, nowMs) : (this.heldAtMm ?? mm);
    const targetMm = move ? move.toMm : setpointMm;
    return {
      positionMm: mm,
      targetMm,
      velocityMmPerS: velocity,
      followingErrorMm: enabled ? setpointMm - mm : 0,
      alarmCode: error,
      enabled,
      ready: error === 0,
      moving: moving || (move !== undefined && nowMs < move.startMs + move.durationMs),
      holding: this.heldAtMm !== undefined && enabled,
      targetReached: !moving && Math.abs(targetMm - mm) <= IN_POSITION_STEPS * this.mmPerStep,
    };
  }

  private refuseIfFaulted(error: number, operation: string): void {
    if (error === 0) return;
    const names = ERROR_NAMES.filter(([bit]) => error & bit).map(([, name]) => name);
    throw new DriveFaultError(error, `${this.label}: ${operation} refused, error ${error} (${names.join(', ')})`);
  }

  private toSteps(mm: number): number {
    const steps = Math.round(mm / this.mmPerStep);
    if (steps < 0 || steps > STS_MAX_POSITION)
      throw new RangeError(
        `${this.label}: ${mm} mm is outside the servo's one turn (0..${(STS_MAX_POSITION * this.mmPerStep).toFixed(1)} mm)`,
      );
    return steps;
  }
}
