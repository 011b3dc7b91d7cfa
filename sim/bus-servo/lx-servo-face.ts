import { LX_UNITS_PER_DEGREE, LxCommand } from '../../protocols/bus-servo/lx-protocol.ts';
import { BROADCAST_ID, encodeServoFrame, LX_FORMAT, type ServoFrame } from '../../protocols/bus-servo/servo-frame.ts';
import type { SimulatedDrive } from '../simulated-drive.ts';

/** A healthy servo's temperature and supply. */
const NORMAL_TEMPERATURE_C = 35;
const NORMAL_VOLTAGE_MV = 7400;
/** What an alarm fault shows: code 1 an overheated servo, 2 an over-voltage supply (the LX fault bits). */
const OVERHEAT_C = 85;
const OVER_VOLTAGE_MV = 13_000;
/** An LX servo's fastest: about 0.16 s per 60 degrees. */
const MAX_SPEED_DEG_PER_S = 375;

const u16 = (value: number): [number, number] => [value & 0xff, (value >> 8) & 0xff];

/**
 * What one simulated LX servo does with a request addressed to it (or broadcast), on a SimulatedDrive
 * whose positions are degrees: the answer's body (command and parameters) for a read, undefined for a
 * write (LX writes are never answered) or a command it does not know. An alarm fault (code 1
 * over-temperature, 2 over-voltage) unloads the servo, as an LX servo does past its limits (protocol
 * PDF p.6), and its temperature or voltage read says why while the fault lasts.
 */
export function lxServoAnswer(drive: SimulatedDrive, frame: ServoFrame): number[] | undefined {
  const [command, ...params] = frame.body;
  const status = drive.peekStatus();
  switch (command) {
    case LxCommand.moveTimeWrite: {
      const [p0 = 0, p1 = 0, t0 = 0, t1 = 0] = params;
      const targetDeg = (p0 | (p1 << 8)) / LX_UNITS_PER_DEGREE;
      const timeMs = t0 | (t1 << 8);
      const distance = Math.abs(targetDeg - status.positionMm);
      const speed = timeMs === 0 || distance === 0 ? MAX_SPEED_DEG_PER_S : Math.min(MAX_SPEED_DEG_PER_S, (distance * 1000) / timeMs);
      drive.execute({ op: 'moveTo', targetMm: targetDeg, speedMmPerS: speed });
      return undefined;
    }
    case LxCommand.moveStop:
      drive.execute({ op: 'hold' });
      return undefined;
    case LxCommand.loadOrUnloadWrite:
      // An LX servo's protection ends by itself once its cause has (it cools down): loading it again works.
      if (params[0] === 1 && status.alarmCode !== 0 && !hasAlarmFault(drive)) drive.execute({ op: 'resetAlarm' });
      drive.execute({ op: params[0] === 1 ? 'enable' : 'disable' });
      return undefined;
    case LxCommand.posRead:
      return [command, ...u16(Math.round(status.positionMm * LX_UNITS_PER_DEGREE) & 0xffff)];
    case LxCommand.tempRead:
      return [command, hasAlarmFault(drive, 1) ? OVERHEAT_C : NORMAL_TEMPERATURE_C];
    case LxCommand.vinRead:
      return [command, ...u16(hasAlarmFault(drive, 2) ? OVER_VOLTAGE_MV : NORMAL_VOLTAGE_MV)];
    case LxCommand.loadOrUnloadRead:
      return [command, status.enabled ? 1 : 0];
    default:
      return undefined;
  }
}

/** Whether an alarm fault (of `code`, or any) is injected now: the cause, as opposed to the latch it left. */
const hasAlarmFault = (drive: SimulatedDrive, code?: number): boolean =>
  drive.activeFaults().some((f) => f.spec.kind === 'alarm' && (code === undefined || f.spec.code === code));

/** The answer frame of servo `id`, or undefined for a write or a broadcast (LX answers neither). */
export function lxAnswerFrame(drive: SimulatedDrive, frame: ServoFrame): Uint8Array | undefined {
  const body = lxServoAnswer(drive, frame);
  return body === undefined || frame.id === BROADCAST_ID ? undefined : encodeServoFrame(LX_FORMAT, frame.id, body);
}
