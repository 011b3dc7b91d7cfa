import {
  isModbusCrcError,
  isModbusExceptionError,
  isModbusGarbledError,
  isModbusTimeoutError,
  isPortClosedError,
} from '../protocols/errors.ts';
import { ExceptionCode } from '../protocols/pdu.ts';
import { DriveCommError } from './errors.ts';

const EXCEPTION_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(ExceptionCode).map(([name, code]) => [code, name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()]),
);

/**
 * The driver-level error for a transport's rejection (Modbus, or a bus-servo line, whose masters fail
 * with the same transport errors; a bad bus-servo checksum is a ModbusCrcError): ModbusTimeoutError → 'bus_busy' (the request
 * waited for the bus until its deadline and was never sent), 'own_delay' (no answer while the
 * supervisor itself was held up) or 'timeout' (no answer), ModbusCrcError → 'crc', ModbusExceptionError → 'exception' (code and
 * function in the message), ModbusGarbledError → 'garbled', PortClosedError → 'port_lost'. Anything
 * else (a programming error, a DriveFaultError or CancelledError of the driver itself) is returned
 * untouched. `context` starts the message, e.g. `axis-X unit 3: moveTo`.
 */
export function toDriveError(error: unknown, context: string): unknown {
  if (isModbusTimeoutError(error)) {
    if (error.stage === 'queue')
      return new DriveCommError('bus_busy', `${context}: did not get the bus by its deadline (${error.message})`);
    const reason = error.stage === 'own_delay' ? 'own_delay' : 'timeout';
    return new DriveCommError(reason, `${context}: got no answer by its deadline (${error.message})`);
  }
  if (isModbusCrcError(error)) return new DriveCommError('crc', `${context}: answer with a bad CRC (${error.message})`);
  if (isModbusExceptionError(error)) {
    const name = EXCEPTION_NAMES.get(error.code) ?? 'unknown';
    const fc = `0x${error.functionCode.toString(16).padStart(2, '0')}`;
    return new DriveCommError('exception', `${context}: Modbus exception ${error.code} (${name}) to function ${fc}`);
  }
  if (isModbusGarbledError(error)) return new DriveCommError('garbled', `${context}: garbled answer (${error.message})`);
  if (isPortClosedError(error)) return new DriveCommError('port_lost', `${context}: port or connection lost (${error.message})`);
  return error;
}
