import { encodeServoFrame, LX_FORMAT, type ServoFrame } from './servo-frame.ts';

/**
 * The LX bus-servo commands axisguard uses (LewanSoul/Hiwonder "LX-16A Bus Servo Communication
 * Protocol" PDF pp.3-11; numbers as in ethanlipson/PyLX-16A lx16a.py and the LewanSoul sample in
 * Roger-random/Sawppy_Rover arduino_sawppy/lewansoul.cpp). Values are little-endian. Writes get no
 * answer; a read's answer repeats its command.
 */
export const LxCommand = {
  /** Position 0..1000 (u16), time 0..30000 ms (u16): move there in that time. No answer. */
  moveTimeWrite: 1,
  /** Stop where it is, torque kept. No answer. */
  moveStop: 12,
  /** Answer: temperature, °C (u8). */
  tempRead: 26,
  /** Answer: input voltage, mV (u16). */
  vinRead: 27,
  /** Answer: position (s16: may be slightly negative past 0). */
  posRead: 28,
  /** 1 load (torque on), 0 unload (torque off). No answer. */
  loadOrUnloadWrite: 31,
  /** Answer: 1 loaded, 0 unloaded (u8). */
  loadOrUnloadRead: 32,
} as const;

export type LxCommandName = keyof typeof LxCommand;

/** 0..1000 position units span 240 degrees (PDF p.4). */
export const LX_UNITS_PER_DEGREE = 1000 / 240;
export const LX_MAX_POSITION = 1000;
export const LX_MAX_MOVE_TIME_MS = 30_000;

/** The parameter bytes of each read's answer. */
export const LX_ANSWER_PARAMS: Readonly<Partial<Record<number, number>>> = {
  [LxCommand.tempRead]: 1,
  [LxCommand.vinRead]: 2,
  [LxCommand.posRead]: 2,
  [LxCommand.loadOrUnloadRead]: 1,
};

const u16 = (value: number): [number, number] => [value & 0xff, (value >> 8) & 0xff];

export const lxMoveTimeWrite = (id: number, position: number, timeMs: number): Uint8Array => {
  if (!Number.isInteger(position) || position < 0 || position > LX_MAX_POSITION)
    throw new RangeError(`LX position must be 0..1000, got ${position}`);
  if (!Number.isInteger(timeMs) || timeMs < 0 || timeMs > LX_MAX_MOVE_TIME_MS)
    throw new RangeError(`LX move time must be 0..30000 ms, got ${timeMs}`);
  return encodeServoFrame(LX_FORMAT, id, [LxCommand.moveTimeWrite, ...u16(position), ...u16(timeMs)]);
};

export const lxCommand = (id: number, command: number, ...params: number[]): Uint8Array =>
  encodeServoFrame(LX_FORMAT, id, [command, ...params]);

/** The value of a read's answer (`frame` already checked to be the answer to `command`). */
export function lxAnswerValue(frame: ServoFrame, command: number): number {
  const [, lo = 0, hi = 0] = frame.body;
  switch (command) {
    case LxCommand.posRead: {
      const value = lo | (hi << 8);
      return value > 0x7fff ? value - 0x10000 : value;
    }
    case LxCommand.vinRead:
      return lo | (hi << 8);
    default:
      return lo;
  }
}

/** Whether `frame` is the answer of servo `id` to `command`: same id, same command, the answer's length. */
export const isLxAnswer = (frame: ServoFrame, id: number, command: number): boolean =>
  frame.id === id && frame.body[0] === command && frame.body.length === 1 + (LX_ANSWER_PARAMS[command] ?? -1);
