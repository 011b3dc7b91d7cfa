import { brandedError, brandGuard } from '../src/common/branded-error.ts';
/**
 * Driver errors, grouped by what the caller must do:
 * - DriveCommError: the drive did not answer properly in time. Transient; the breaker counts it.
 * - DriveFaultError: the drive answered with a latched alarm. Not retried; the axis goes to ErrorStop.
 * - CancelledError: the call was abandoned on purpose (shutdown). Neither counted nor a fault.
 * Anything else thrown by a driver is a programming error and propagates untouched.
 */

/** Why a transaction with the drive failed. */
export type CommFailureReason =
  | 'timeout' // no (complete) answer by the deadline
  | 'own_delay' // no answer by the deadline, but the supervisor itself was held up meanwhile: no verdict on the drive
  | 'bus_busy' // never sent: the shared bus was busy with other traffic until the deadline
  | 'crc' // answer with a bad checksum
  | 'exception' // Modbus exception response
  | 'garbled' // malformed or unexpected answer
  | 'port_lost'; // the serial port or connection is gone

/** `reason` says why; the message is for people. */
export class DriveCommError extends brandedError('DriveCommError', ['reason'], (_reason: CommFailureReason, message: string) => message) {}

/**
 * A failed call that says nothing about the drive, so the breaker does not count it: it never got
 * the bus ('bus_busy'), or its answer was due while the supervisor itself was held up ('own_delay').
 */
export const isOurDelay = (error: DriveCommError): boolean => error.reason === 'bus_busy' || error.reason === 'own_delay';

/** `alarmCode` is the drive's own alarm number. */
export class DriveFaultError extends brandedError('DriveFaultError', ['alarmCode'], (_alarmCode: number, message: string) => message) {}

export class CancelledError extends brandedError('CancelledError') {}

export const isDriveCommError = brandGuard<DriveCommError>('isDriveCommError');

export const isDriveFaultError = brandGuard<DriveFaultError>('isDriveFaultError');

export const isCancelledError = brandGuard<CancelledError>('isCancelledError');
