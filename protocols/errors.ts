import { brandedError, brandGuard } from '../src/common/branded-error.ts';
/**
 * Protocol-level Modbus errors, grouped by what the caller must do:
 * - ModbusTimeoutError, ModbusCrcError, ModbusGarbledError: the transaction failed on the wire and may
 *   succeed if repeated. Transient; a driver maps them to a comm failure its breaker counts.
 * - PortClosedError: the serial port or TCP connection is gone (or was never opened). Transient for the
 *   bus; every call fails fast until the transport is reopened or reconnects.
 * - ModbusExceptionError: the slave answered and refused the request. Whether that is a configuration
 *   error (illegal address) or transient (busy) depends on `code`; the driver decides.
 * Invalid arguments (unit id 248, 126 registers) are programming errors: they throw RangeError.
 */

/**
 * Where a deadline passed: still waiting for the bus ('queue'), waiting for the answer ('response'),
 * or waiting for the answer while this process itself was held up ('own_delay', see src/common/own-delay.ts).
 */
export type TimeoutStage = 'queue' | 'response' | 'own_delay';

/** `stage` says where the deadline passed. */
export class ModbusTimeoutError extends brandedError('ModbusTimeoutError', ['stage'], (_stage: TimeoutStage, message: string) => message) {}

export class ModbusCrcError extends brandedError('ModbusCrcError') {}

export class ModbusGarbledError extends brandedError('ModbusGarbledError') {}

/**
 * `functionCode` is the function code of the refused request (without the 0x80 bit); `code` the
 * Modbus exception code, 1 = illegal function, 2 = illegal data address, ...
 */
export class ModbusExceptionError extends brandedError(
  'ModbusExceptionError',
  ['functionCode', 'code'],
  (
    functionCode: number,
    code: number,
    message: string = `Modbus exception ${code} for function 0x${functionCode.toString(16).padStart(2, '0')}`,
  ) => message,
) {}

export class PortClosedError extends brandedError('PortClosedError') {}

export type ModbusError = ModbusTimeoutError | ModbusCrcError | ModbusGarbledError | ModbusExceptionError | PortClosedError;

export const isModbusTimeoutError = brandGuard<ModbusTimeoutError>('isModbusTimeoutError');
export const isModbusCrcError = brandGuard<ModbusCrcError>('isModbusCrcError');
export const isModbusGarbledError = brandGuard<ModbusGarbledError>('isModbusGarbledError');
export const isModbusExceptionError = brandGuard<ModbusExceptionError>('isModbusExceptionError');
export const isPortClosedError = brandGuard<PortClosedError>('isPortClosedError');

/** True for every error a Modbus transport rejects with on purpose (anything else is a bug). */
export const isModbusError = (e: unknown): e is ModbusError =>
  isModbusTimeoutError(e) || isModbusCrcError(e) || isModbusGarbledError(e) || isModbusExceptionError(e) || isPortClosedError(e);
