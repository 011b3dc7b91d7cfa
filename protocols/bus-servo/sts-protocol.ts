import { BROADCAST_ID, encodeServoFrame, STS_FORMAT, type ServoFrame } from './servo-frame.ts';

/**
 * The Feetech SCS/STS instructions and STS control-table registers axisguard uses. Instructions:
 * SCServo_Linux include/scservo/INST.h; registers: SCServo_Linux include/scservo/SMS_STS.h and
 * huggingface/lerobot src/lerobot/motors/feetech/tables.py (they agree on every address here).
 * STS values are little-endian; position and speed are sign-magnitude with bit 15 as the sign
 * (lerobot tables.py, SMS_STS.h). A status packet's body is the error byte, then the data.
 */
export const StsInstruction = { ping: 0x01, read: 0x02, write: 0x03, syncRead: 0x82, syncWrite: 0x83 } as const;

export const StsRegister = {
  torqueEnable: 40,
  acceleration: 41,
  goalPosition: 42,
  goalTime: 44,
  goalSpeed: 46,
  presentPosition: 56,
  presentSpeed: 58,
  presentLoad: 60,
  presentVoltage: 62,
  presentTemperature: 63,
  status: 65,
  moving: 66,
} as const;

/** The block one status read covers: torque enable (40) through moving (66). */
export const STS_STATUS_BLOCK = { address: StsRegister.torqueEnable, length: StsRegister.moving - StsRegister.torqueEnable + 1 } as const;

/**
 * Error bits of a status packet (the Feetech Python SDK's ERRBIT_*; SCServo_Linux): 1 input voltage,
 * 2 angle sensor, 4 overheat, 8 over-current, 32 overload. Bit 16 is no error (some firmware shows
 * the torque state there) and is masked out.
 */
export const STS_ERROR = { voltage: 1, angleSensor: 2, overheat: 4, overCurrent: 8, overload: 32 } as const;
export const STS_ERROR_MASK = 0xef;

/** STS3215 and its kind: 4096 steps per turn. */
export const STS_STEPS_PER_DEGREE = 4096 / 360;
export const STS_MAX_POSITION = 4095;

/** A signed value as STS stores it: magnitude in the low 15 bits, bit 15 the sign. */
export const toSignMagnitude = (value: number): number => (value < 0 ? 0x8000 | (-value & 0x7fff) : value & 0x7fff);
export const fromSignMagnitude = (raw: number): number => (raw & 0x8000 ? -(raw & 0x7fff) : raw);

const u16 = (value: number): [number, number] => [value & 0xff, (value >> 8) & 0xff];

/** Bytes of a READ request on the wire: header (2), id, LEN, instruction, address, length, checksum. */
export const STS_READ_BYTES = 8;
/** Bytes of a status packet answering a read of `length` registers: header (2), id, LEN, error, data, checksum. */
export const stsStatusBytes = (length: number): number => 6 + length;

export const stsRead = (id: number, address: number, length: number): Uint8Array =>
  encodeServoFrame(STS_FORMAT, id, [StsInstruction.read, address, length]);

export const stsWrite = (id: number, address: number, data: readonly number[]): Uint8Array =>
  encodeServoFrame(STS_FORMAT, id, [StsInstruction.write, address, ...data]);

/** WritePosEx (SCServo_Linux SMS_STS.cpp): acceleration, goal position, goal time 0, goal speed, from register 41 in one write. */
export function stsMoveWrite(id: number, position: number, speedStepsPerS: number, acceleration: number): Uint8Array {
  if (!Number.isInteger(position) || position < 0 || position > STS_MAX_POSITION)
    throw new RangeError(`STS position must be 0..4095, got ${position}`);
  const speed = Math.min(0x7fff, Math.max(1, Math.round(speedStepsPerS)));
  return stsWrite(id, StsRegister.acceleration, [acceleration, ...u16(toSignMagnitude(position)), 0, 0, ...u16(speed)]);
}

/** A status packet of servo `id` answering a read of `length` bytes, or a write's acknowledgement (`length` 0). */
export const isStsStatus = (frame: ServoFrame, id: number, length: number): boolean => frame.id === id && frame.body.length === 1 + length;

/** A register's value from a read of a block starting at `blockAddress` (`data`: the status packet's data bytes). */
export function stsValue(data: Uint8Array, blockAddress: number, register: number, bytes: 1 | 2): number {
  const at = register - blockAddress;
  return bytes === 1 ? data[at]! : data[at]! | (data[at + 1]! << 8);
}

/**
 * SYNC_READ (Feetech Python SDK `syncReadTx`; SCServo_Linux SCS.cpp `syncReadPacketTx`): broadcast,
 * instruction 0x82, the block's address and length, then the ids; each listed servo answers with
 * its own status packet, in the list's order, so one request reads many servos.
 */
export function stsSyncRead(ids: readonly number[], address: number, length: number): Uint8Array {
  if (ids.length === 0) throw new RangeError('a SYNC_READ needs at least one servo id');
  return encodeServoFrame(STS_FORMAT, BROADCAST_ID, [StsInstruction.syncRead, address, length, ...ids]);
}
