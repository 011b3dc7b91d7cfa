import { BROADCAST_ID, encodeServoFrame, STS_FORMAT, type ServoFrame } from '../../protocols/bus-servo/servo-frame.ts';
import { STS_ERROR, STS_STEPS_PER_DEGREE, StsInstruction, StsRegister, toSignMagnitude } from '../../protocols/bus-servo/sts-protocol.ts';
import type { SimulatedDrive } from '../simulated-drive.ts';

/** An STS3215's fastest, about 0.2 s per 60 degrees. */
const MAX_SPEED_DEG_PER_S = 300;
/** Register 62 in 0.1 V; register 63 in °C. */
const NORMAL_VOLTAGE = 74;
const OVER_VOLTAGE = 140;
const NORMAL_TEMPERATURE_C = 35;
const OVERHEAT_C = 80;
const LAST_REGISTER = 70;

/** The STS error bits an alarm fault of `code` raises (an alarm fault's code is taken as the error byte). */
const errorOf = (drive: SimulatedDrive): number =>
  drive.activeFaults().reduce((bits, f) => (f.spec.kind === 'alarm' ? bits | (f.spec.code & 0xef) : bits), 0);

/** The servo's control table 40..70 as it reads now (positions of the drive are degrees). */
function registers(drive: SimulatedDrive): Uint8Array {
  const status = drive.peekStatus();
  const error = errorOf(drive);
  const table = new Uint8Array(LAST_REGISTER + 1);
  const put16 = (at: number, value: number) => {
    table[at] = value & 0xff;
    table[at + 1] = (value >> 8) & 0xff;
  };
  table[StsRegister.torqueEnable] = status.enabled ? 1 : 0;
  put16(StsRegister.goalPosition, toSignMagnitude(Math.round(status.targetMm * STS_STEPS_PER_DEGREE)));
  put16(StsRegister.presentPosition, toSignMagnitude(Math.round(status.positionMm * STS_STEPS_PER_DEGREE)));
  put16(StsRegister.presentSpeed, toSignMagnitude(Math.round(status.velocityMmPerS * STS_STEPS_PER_DEGREE)));
  table[StsRegister.presentVoltage] = error & STS_ERROR.voltage ? OVER_VOLTAGE : NORMAL_VOLTAGE;
  table[StsRegister.presentTemperature] = error & STS_ERROR.overheat ? OVERHEAT_C : NORMAL_TEMPERATURE_C;
  table[StsRegister.status] = error;
  table[StsRegister.moving] = status.moving ? 1 : 0;
  return table;
}

/** Carries out a WRITE of `data` from `address`: torque (40) and a goal position (42, with the goal speed at 46 when written too). */
function applyWrite(drive: SimulatedDrive, address: number, data: readonly number[]): void {
  const covers = (register: number, bytes = 1) => address <= register && register + bytes <= address + data.length;
  const read16 = (register: number) => data[register - address]! | (data[register - address + 1]! << 8);
  if (covers(StsRegister.torqueEnable)) {
    const on = data[StsRegister.torqueEnable - address] === 1;
    // An STS servo's protection ends by itself once its cause has: torque on works again.
    if (on && drive.peekStatus().alarmCode !== 0 && errorOf(drive) === 0) drive.execute({ op: 'resetAlarm' });
    drive.execute({ op: on ? 'enable' : 'disable' });
  }
  if (covers(StsRegister.goalPosition, 2)) {
    const raw = read16(StsRegister.goalPosition);
    const targetDeg = (raw & 0x8000 ? -(raw & 0x7fff) : raw) / STS_STEPS_PER_DEGREE;
    const speedSteps = covers(StsRegister.goalSpeed, 2) ? read16(StsRegister.goalSpeed) & 0x7fff : 0;
    const speed = speedSteps === 0 ? MAX_SPEED_DEG_PER_S : Math.min(MAX_SPEED_DEG_PER_S, speedSteps / STS_STEPS_PER_DEGREE);
    drive.execute({ op: 'moveTo', targetMm: targetDeg, speedMmPerS: speed });
  }
}

/**
 * What one simulated STS servo does with an instruction addressed to it (or broadcast), and its
 * status packet: READ answers the control table's bytes, WRITE is carried out and acknowledged,
 * PING acknowledged; a broadcast is carried out and never answered. An alarm fault's code is the
 * error byte (4 overheat, 1 input voltage, 32 overload, ...), and the servo drops its torque, as an
 * STS servo does on its protection; its temperature or voltage register shows why.
 */
export function stsAnswerFrame(drive: SimulatedDrive, frame: ServoFrame): Uint8Array | undefined {
  const [instruction, address = 0, ...rest] = frame.body;
  let data: number[] = [];
  switch (instruction) {
    case StsInstruction.read: {
      const length = rest[0] ?? 0;
      if (address + length > LAST_REGISTER + 1) return undefined;
      data = [...registers(drive).subarray(address, address + length)];
      break;
    }
    case StsInstruction.write:
      applyWrite(drive, address, rest);
      break;
    case StsInstruction.ping:
      break;
    default:
      return undefined;
  }
  return frame.id === BROADCAST_ID ? undefined : encodeServoFrame(STS_FORMAT, frame.id, [errorOf(drive), ...data]);
}

/** A SYNC_READ (broadcast, instruction 0x82: address, length, ids) as the READ each listed servo answers in its turn, in the list's order. */
export function stsSyncReadTurns(frame: ServoFrame): readonly ServoFrame[] | undefined {
  const [instruction, address = 0, length = 0, ...ids] = frame.body;
  if (frame.id !== BROADCAST_ID || instruction !== StsInstruction.syncRead) return undefined;
  return ids.map((id) => ({ id, body: Uint8Array.of(StsInstruction.read, address, length) }));
}
