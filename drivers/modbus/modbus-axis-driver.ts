// One file on purpose (over ~250 lines): one AxisDriver. Its calls (enable, disable, moveTo, hold,
// readStatus) share the unit's channel, the control word it last wrote and the deadline rules of the
// contract; the register codec, control schemes, status decoder and move exchanges are files of their own.
import type { BusPriority, BusScheduler } from '../../protocols/bus-scheduler.ts';
import type { DriveProfile } from '../../protocols/drive-profile.ts';
import type { ModbusMaster } from '../../protocols/modbus-master.ts';
import type { Clock } from '../../src/common/clock.ts';
import { assertNever } from '../../src/common/never.ts';
import type { AxisDriver, CallOptions, DriveStatus, MoveCommand, ReadStatusOptions } from '../contract.ts';
import { LinkStats } from '../link-stats.ts';
import { ExchangeRetry } from '../exchange-retry.ts';
import { CancelledError, DriveCommError, DriveFaultError } from '../errors.ts';
import { bitsScheme } from './bits-scheme.ts';
import { cia402Scheme } from './cia402-scheme.ts';
import type { ControlCommand, ControlScheme } from './control-scheme.ts';
import { ControlWord } from './control-word.ts';
import { encodeField, mmToCounts, type RegisterRun } from './register-codec.ts';
import { moveSetpointRuns } from './move-exchanges.ts';
import { StatusDecoder, type DriveSample } from './status-decoder.ts';
import { UnitChannel } from './unit-channel.ts';
import { requireFinite } from '../../src/common/require-finite.ts';

export type ModbusFamily = 'modbus-rtu' | 'modbus-tcp';

export interface ModbusAxisDriverOptions {
  /** 'modbus-rtu' or 'modbus-tcp', for displays and the journal; the transport is `master`'s. */
  readonly family: ModbusFamily;
  /** The drive's Modbus unit (slave) id, 1..247. */
  readonly unitId: number;
  /** The drive's register map, validated by protocols/profile-schema.ts. */
  readonly profile: DriveProfile;
  /** The bus's transport, shared by every drive on it; the composition root closes it. */
  readonly master: ModbusMaster;
  /** The bus's scheduler, shared like `master`. */
  readonly scheduler: BusScheduler;
  readonly clock: Clock;
  /** Names the axis in error messages, e.g. the axis id. */
  readonly name?: string;
  /** Pause, ms, between status reads while waiting for the drive to change state (CiA 402 enable, alarm reset). Default 2. */
  readonly statePollMs?: number;
  /** Retries of an exchange whose answer was corrupt or missing, when harmless and in time (see ExchangeRetry). Default 0. */
  readonly maxRetries?: number;
}

type Operation = Exclude<keyof AxisDriver, 'family' | 'close'>;

const DEFAULT_STATE_POLL_MS = 2;

/**
 * AxisDriver for a servo drive on Modbus (RTU or TCP), its registers described by a DriveProfile.
 * Every exchange goes through the bus's scheduler: status reads at 'poll' (or 'probe'), commands at
 * 'command', hold at 'hold' (ahead of everything queued). Every call settles by its deadline.
 *
 * Alarms: reads never refuse. moveTo and enable read the status before they command anything and
 * reject with DriveFaultError when the drive reports an alarm (alarm bit / CiA 402 fault) with a
 * nonzero alarm code: moveTo then has written nothing, enable only the comm-loss timeout (which it
 * writes first). The check lives here, on a fresh read, not on a cached sample; moveTo also rejects with DriveCommError 'exception' on a disabled
 * drive, as the simulated driver does. hold and disable never read first: stopping a drive is
 * always allowed and must not wait. resetAlarm rejects with DriveFaultError when the alarm is still
 * latched after the reset edge (re-read until shortly before the deadline).
 *
 * A hold supersedes a moveTo in progress: the move's remaining writes are not sent and it rejects
 * with CancelledError, so a late start edge cannot release the hold.
 */
export class ModbusAxisDriver implements AxisDriver {
  readonly family: ModbusFamily;
  readonly link: LinkStats;
  private readonly profile: DriveProfile;
  private readonly clock: Clock;
  private readonly label: string;
  private readonly statePollMs: number;
  private readonly scheme: ControlScheme;
  private readonly channel: UnitChannel;
  private readonly decoder: StatusDecoder;
  private readonly control: ControlWord;
  /** Holds requested so far; a moveTo that started before the latest one is abandoned. */
  private holds = 0;
  /** How long the last status read took, ms: the estimate of the next one when waiting for a state. */
  private lastReadMs = 0;
  private closed = false;

  constructor(options: ModbusAxisDriverOptions) {
    const { unitId, profile, statePollMs = DEFAULT_STATE_POLL_MS } = options;
    if (!Number.isInteger(unitId) || unitId < 1 || unitId > 247) throw new RangeError(`unitId must be an integer 1..247, got ${unitId}`);
    if (!Number.isFinite(statePollMs) || statePollMs < 0) throw new RangeError(`statePollMs must be >= 0, got ${statePollMs}`);
    this.family = options.family;
    this.profile = profile;
    this.clock = options.clock;
    this.statePollMs = statePollMs;
    this.label = options.name === undefined ? `unit ${unitId}` : `${options.name} (unit ${unitId})`;
    this.scheme = schemeFor(profile.control);
    // Serve the unit again within half its comm-loss watchdog: the other half absorbs our own delays.
    // A keep-alive reads the status word alone: the shortest exchange every drive answers in every state.
    const keepAlive =
      profile.commLossTimeoutMs > 0
        ? { everyMs: profile.commLossTimeoutMs / 2, read: { address: profile.registers.statusWord.address, count: 1 } }
        : undefined;
    const retry = {
      exchange: new ExchangeRetry(options.clock, options.maxRetries ?? 0),
      edgeRegister: profile.registers.controlWord.address,
    };
    this.link = new LinkStats(retry.exchange.retries);
    // Without retries the channel takes no retry at all: its exchanges then pass straight to the master.
    this.channel = new UnitChannel(
      unitId,
      options.master,
      options.scheduler,
      this.label,
      keepAlive,
      options.maxRetries ? retry : undefined,
    );
    this.decoder = new StatusDecoder(profile, this.scheme);
    this.control = new ControlWord(profile.registers.controlWord.address, this.scheme.edgeBits);
  }

  /** One FC03 of the status block. Valid in every drive state; never refuses for an alarm. */
  readStatus(options: ReadStatusOptions): Promise<DriveStatus> {
    return this.call('readStatus', options, (deadlineMs) =>
      this.sample(options.purpose ?? 'poll', deadlineMs, 'readStatus').then(statusOf),
    );
  }

  /**
   * Status read, then target position and profile speed (one FC16 when adjacent, else one each),
   * then the start / new set-point edge, which also releases a hold (move-exchanges.ts lists them
   * for the config's timing checks). Out-of-range arguments reject
   * with RangeError before anything is sent.
   */
  async moveTo(command: MoveCommand, options: CallOptions): Promise<void> {
    const runs = this.moveRuns(command);
    return this.call('moveTo', options, async (deadlineMs) => {
      const holdsAtStart = this.holds;
      const sample = await this.sample('command', deadlineMs, 'moveTo');
      this.refuseIfFaulted(sample, 'moveTo');
      if (!sample.status.enabled)
        throw new DriveCommError('exception', `${this.label}: moveTo refused, power stage disabled (${this.decoder.describe(sample)})`);
      const unlessHeld = <T>(send: () => Promise<T>): Promise<T> => {
        if (this.holds !== holdsAtStart) throw new CancelledError(`${this.label}: moveTo abandoned, a hold came first`);
        return send();
      };
      for (const run of runs) {
        await this.channel.run('command', deadlineMs, 'moveTo', (io) => unlessHeld(() => io.write(run.address, run.values)));
      }
      await this.channel.run('command', deadlineMs, 'moveTo', (io) => unlessHeld(() => this.control.apply(io, this.scheme.move)));
    });
  }

  /** Sets the hold bit / CiA 402 halt, at bus priority 'hold'. One write (two if the control word must be read back first). */
  hold(options: CallOptions): Promise<void> {
    return this.call('hold', options, (deadlineMs) => {
      this.holds++;
      return this.writeControl('hold', 'hold', deadlineMs, this.scheme.hold);
    });
  }

  /**
   * Writes profile.commLossTimeoutMs to the drive's watchdog (so the drive holds by itself if
   * axisguard goes quiet), reads the actual position and writes it as the target (no jump), then
   * enables: bits style, the enable bit; CiA 402, shutdown → switch on → enable operation from
   * whatever state the drive is in, reading the statusword after each step.
   */
  enable(options: CallOptions): Promise<void> {
    return this.call('enable', options, async (deadlineMs) => {
      const { registers, wordOrder } = this.profile;
      const timeout = encodeField(this.profile.commLossTimeoutMs, registers.commLossTimeout.type, wordOrder);
      await this.channel.write('command', deadlineMs, 'enable (comm-loss timeout)', registers.commLossTimeout.address, timeout);
      let sample = await this.sample('command', deadlineMs, 'enable');
      this.refuseIfFaulted(sample, 'enable');
      const target = encodeField(sample.actualPositionCounts, registers.targetPosition.type, wordOrder);
      await this.channel.write('command', deadlineMs, 'enable (target = actual)', registers.targetPosition.address, target);
      let written: string | undefined;
      for (;;) {
        const step = this.scheme.enableStep(sample.statusWord);
        if (step.kind === 'done') return;
        if (step.kind === 'write' && step.name !== written) {
          await this.writeControl(`enable (${step.name})`, 'command', deadlineMs, step.command);
          written = step.name;
          if (step.final) return;
        }
        const last = sample;
        await this.pause(
          deadlineMs,
          () =>
            new DriveCommError(
              'timeout',
              `${this.label}: enable: drive still ${this.decoder.describe(last)} after ${written ?? 'waiting'}, not enabled by its deadline`,
            ),
        );
        sample = await this.sample('command', deadlineMs, 'enable');
        this.refuseIfFaulted(sample, 'enable');
      }
    });
  }

  /** Clears the enable bit / CiA 402 shutdown (0x06). Never refuses for an alarm. */
  disable(options: CallOptions): Promise<void> {
    return this.call('disable', options, (deadlineMs) => this.writeControl('disable', 'command', deadlineMs, this.scheme.disable));
  }

  /** Rising edge of the reset bit / CiA 402 fault reset (bit 7) with the power stage left off, then re-reads until the alarm is gone. */
  resetAlarm(options: CallOptions): Promise<void> {
    return this.call('resetAlarm', options, async (deadlineMs) => {
      await this.writeControl('resetAlarm', 'command', deadlineMs, this.scheme.resetAlarm);
      for (;;) {
        const sample = await this.sample('command', deadlineMs, 'resetAlarm');
        if (!sample.faulted) return;
        const { alarmCode } = sample.status;
        await this.pause(
          deadlineMs,
          () =>
            new DriveFaultError(
              alarmCode,
              `${this.label}: alarm ${alarmCode} still latched after reset (${this.decoder.describe(sample)}); its cause is still there`,
            ),
        );
      }
    });
  }

  /** Later calls reject with DriveCommError 'port_lost'. Closes nothing: the master and scheduler belong to the bus. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.channel.close();
  }

  private moveRuns(command: MoveCommand): RegisterRun[] {
    requireFinite('targetMm', command.targetMm);
    requireFinite('speedMmPerS', command.speedMmPerS);
    const { countsPerMm } = this.profile;
    const speedCounts = mmToCounts(command.speedMmPerS, countsPerMm);
    if (speedCounts < 1)
      throw new RangeError(`speedMmPerS must be at least one count/s (${1 / countsPerMm} mm/s), got ${command.speedMmPerS}`);
    return moveSetpointRuns(this.profile, mmToCounts(command.targetMm, countsPerMm), speedCounts);
  }

  /** Not async (nor is readStatus): the cycle reads every axis every period, and each async frame costs a promise and a turn. */
  private sample(priority: BusPriority, deadlineMs: number, what: string): Promise<DriveSample> {
    const { address, count } = this.decoder.block;
    const startMs = this.clock.now();
    let sentAtMs = startMs;
    return this.channel
      .run(priority, deadlineMs, what, (io) => {
        sentAtMs = this.clock.now();
        return io.read(address, count);
      })
      .then((values) => {
        const nowMs = this.clock.now();
        this.lastReadMs = nowMs - startMs;
        this.link.lastReadMs = nowMs - sentAtMs;
        return this.decoder.decode(values, this.control.known);
      });
  }

  private writeControl(what: string, priority: BusPriority, deadlineMs: number, command: ControlCommand): Promise<void> {
    return this.channel.run(priority, deadlineMs, what, (io) => this.control.apply(io, command));
  }

  private refuseIfFaulted(sample: DriveSample, operation: Operation): void {
    if (!sample.faulted) return;
    const { alarmCode } = sample.status;
    throw new DriveFaultError(
      alarmCode,
      `${this.label}: ${operation} refused, alarm ${alarmCode} latched (${this.decoder.describe(sample)})`,
    );
  }

  /**
   * Waits statePollMs before the next status read, or throws `giveUp()` when that read would likely
   * end past the deadline (it takes as long as the last one did), so the caller hears why.
   */
  private async pause(deadlineMs: number, giveUp: () => Error): Promise<void> {
    if (this.clock.now() + this.statePollMs + this.lastReadMs >= deadlineMs) throw giveUp();
    await this.clock.sleep(this.statePollMs);
  }

  /** Not async: an async frame that returns `work`'s promise costs that promise's resolution two more turns. */
  private call<T>(operation: Operation, options: CallOptions, work: (deadlineMs: number) => Promise<T>): Promise<T> {
    const { deadlineMs } = options;
    try {
      requireFinite('deadlineMs', deadlineMs);
      if (this.closed) throw new DriveCommError('port_lost', `${this.label}: ${operation} on a closed driver`);
      // No deadline of its own: every exchange already ends by `deadlineMs` (the bus drops an item whose
      // deadline passes in its queue, the transport waits for an answer no longer), and so does every
      // pause between them; a second timer on the same instant would only cost a layer per call.
      return work(deadlineMs);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

const statusOf = (sample: DriveSample): DriveStatus => sample.status;

function schemeFor(control: DriveProfile['control']): ControlScheme {
  switch (control.style) {
    case 'bits':
      return bitsScheme(control);
    case 'cia402':
      return cia402Scheme;
    default:
      return assertNever(control, 'control style');
  }
}
