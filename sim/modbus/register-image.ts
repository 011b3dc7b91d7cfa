import { registerCount, type DriveProfile } from '../../protocols/drive-profile.ts';
import { ExceptionCode } from '../../protocols/pdu.ts';
import { modbusException, type ModbusException } from '../../protocols/slave-handler.ts';
import { assertNever } from '../../src/common/never.ts';
import type { DriveModelStatus } from '../drive-model.ts';
import type { SimulatedDrive } from '../simulated-drive.ts';
import { Cia402Control } from './cia402-control.ts';
import { BitControl, type ControlAction, type ControlLogic } from './control-logic.ts';
import { decodeValue, encodeValue, saturate } from './register-codec.ts';
import { RegisterLayout, type RegisterName } from './register-layout.ts';

const illegalAddress = modbusException(ExceptionCode.IllegalDataAddress);
const illegalValue = modbusException(ExceptionCode.IllegalDataValue);

/** Values one write sets, by field. */
type Written = Partial<Record<RegisterName, number>>;

/**
 * The holding registers of one simulated drive as its profile maps them. Reads sample the drive now:
 * positions, velocity and following error in counts (counts/s), rounded and saturated at the field's
 * type. Target position, profile speed and the comm-loss timeout (ms) are latched as written (0 at
 * power-up); the control word acts per the profile's style (BitControl, Cia402Control).
 *
 * Exceptions: 2 (illegal data address) for an unmapped register, a write to a read-only field, or a
 * write that covers only one register of a 32-bit field; 3 (illegal data value) for a value the field
 * does not allow (negative speed or timeout, a control word the style refuses, a move started while
 * the profile speed is 0). A refused write changes nothing. Commands the drive itself refuses (alarm
 * latched, stage off) do not fail the write: the status word shows the outcome, and the drive records it.
 */
export class RegisterImage {
  private readonly layout: RegisterLayout;
  private readonly control: ControlLogic;
  private controlWord = 0;
  private targetCounts = 0;
  private speedCountsPerS = 0;
  private timeoutMs = 0;

  constructor(
    private readonly drive: SimulatedDrive,
    private readonly profile: DriveProfile,
  ) {
    this.layout = new RegisterLayout(profile);
    this.control = profile.control.style === 'bits' ? new BitControl(profile.control) : new Cia402Control();
  }

  /** The comm-loss timeout last written, ms; 0 means the drive's watchdog is off. */
  get commLossTimeoutMs(): number {
    return this.timeoutMs;
  }

  /** FC03: `count` registers from `address`, sampled now. */
  read(address: number, count: number): number[] | ModbusException {
    const status = this.drive.peekStatus();
    const words = new Map<RegisterName, number[]>();
    const values: number[] = [];
    for (let a = address; a < address + count; a++) {
      const slot = this.layout.at(a);
      if (!slot) return illegalAddress;
      let fieldWords = words.get(slot.name);
      if (!fieldWords) {
        const type = slot.field.type;
        fieldWords = encodeValue(saturate(this.valueOf(slot.name, status), type), type, this.profile.wordOrder);
        words.set(slot.name, fieldWords);
      }
      values.push(fieldWords[slot.offset]!);
    }
    return values;
  }

  /** FC06 / FC16: stores whole writable fields, then acts on the control word if it was written. */
  write(address: number, values: readonly number[]): ModbusException | undefined {
    const written = this.decodeFields(address, values);
    if (!written) return illegalAddress;
    const { controlWord: word, profileSpeed, commLossTimeout } = written;
    if ((profileSpeed ?? 0) < 0 || (commLossTimeout ?? 0) < 0) return illegalValue;
    const status = this.drive.peekStatus();
    const plan = word === undefined ? undefined : this.control.plan(word, this.controlWord, status);
    if (word !== undefined && !plan) return illegalValue;
    const speed = profileSpeed ?? this.speedCountsPerS;
    if (plan?.actions.includes('start') && speed <= 0) return illegalValue;

    this.targetCounts = written.targetPosition ?? this.targetCounts;
    this.speedCountsPerS = speed;
    this.timeoutMs = commLossTimeout ?? this.timeoutMs;
    if (word === undefined || !plan) return;
    this.controlWord = word;
    plan.accept();
    for (const action of plan.actions) this.apply(action);
  }

  /** The fields `values` cover from `address`, or undefined if they are not whole writable fields. */
  private decodeFields(address: number, values: readonly number[]): Written | undefined {
    const written: Written = {};
    for (let i = 0; i < values.length; ) {
      const slot = this.layout.at(address + i);
      if (!slot?.writable || slot.offset !== 0) return undefined;
      const n = registerCount(slot.field.type);
      if (i + n > values.length) return undefined;
      written[slot.name] = decodeValue(values.slice(i, i + n), slot.field.type, this.profile.wordOrder);
      i += n;
    }
    return written;
  }

  private apply(action: ControlAction): void {
    const countsPerMm = this.profile.countsPerMm;
    if (action === 'start') {
      this.drive.execute({ op: 'moveTo', targetMm: this.targetCounts / countsPerMm, speedMmPerS: this.speedCountsPerS / countsPerMm });
    } else {
      this.drive.execute({ op: action });
    }
  }

  private valueOf(name: RegisterName, status: DriveModelStatus): number {
    const countsPerMm = this.profile.countsPerMm;
    switch (name) {
      case 'controlWord':
        return this.controlWord;
      case 'statusWord':
        return this.control.statusWord(status);
      case 'targetPosition':
        return this.targetCounts;
      case 'profileSpeed':
        return this.speedCountsPerS;
      case 'actualPosition':
        return status.positionMm * countsPerMm;
      case 'actualVelocity':
        return status.velocityMmPerS * countsPerMm;
      case 'followingError':
        return status.followingErrorMm * countsPerMm;
      case 'alarmCode':
        return status.alarmCode;
      case 'commLossTimeout':
        return this.timeoutMs;
      default:
        return assertNever(name, 'register');
    }
  }
}
