import { responsePduLength, type ModbusRequest } from '../../protocols/pdu.ts';
import { frameTimeMs } from '../../protocols/rtu-timing.ts';

/** Unit id + CRC around every RTU PDU. */
const RTU_OVERHEAD_BYTES = 3;

/** Bytes on an RTU line for `request` and its normal answer (an exception answer is shorter; not modelled). */
function rtuExchangeBytes(request: ModbusRequest): number {
  const requestPdu = request.kind === 'writeMultipleRegisters' ? 6 + 2 * request.values.length : 5;
  return requestPdu + responsePduLength(request) + 2 * RTU_OVERHEAD_BYTES;
}

/** Line settings that set the wire time: baud rate and bits per character (11 by the spec's rule). */
export interface WireTiming {
  readonly baudRate: number;
  readonly bitsPerChar: number;
}

/**
 * How long `request` and its answer occupy a real RTU line, ms. A pty moves bytes at memory speed, so
 * the simulator delays each answer by this much to give benchmarks realistic bus timing.
 */
export const exchangeTimeMs = (request: ModbusRequest, timing: WireTiming): number =>
  frameTimeMs(rtuExchangeBytes(request), timing.baudRate, timing.bitsPerChar);
