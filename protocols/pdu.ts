/**
 * Modbus PDUs (function code + data, no unit id, no checksum) for the functions axisguard uses:
 * FC03 read holding registers, FC06 write single register, FC16 write multiple registers, and the
 * exception response (function | 0x80, exception code). Registers are unsigned 16-bit, big-endian.
 */

import { assertNever } from '../src/common/never.ts';

export const FunctionCode = {
  ReadHoldingRegisters: 0x03,
  WriteSingleRegister: 0x06,
  WriteMultipleRegisters: 0x10,
} as const;
export type FunctionCode = (typeof FunctionCode)[keyof typeof FunctionCode];

export const ExceptionCode = {
  IllegalFunction: 0x01,
  IllegalDataAddress: 0x02,
  IllegalDataValue: 0x03,
  ServerDeviceFailure: 0x04,
  Acknowledge: 0x05,
  ServerDeviceBusy: 0x06,
  GatewayPathUnavailable: 0x0a,
  GatewayTargetFailedToRespond: 0x0b,
} as const;

/** FC03 may read 1..125 registers, FC16 may write 1..123 (so that every ADU fits in 256 bytes). */
export const MAX_READ_REGISTERS = 125;
export const MAX_WRITE_REGISTERS = 123;

export type ModbusRequest =
  | { readonly kind: 'readHoldingRegisters'; readonly address: number; readonly count: number }
  | { readonly kind: 'writeSingleRegister'; readonly address: number; readonly value: number }
  | { readonly kind: 'writeMultipleRegisters'; readonly address: number; readonly values: readonly number[] };

export type ModbusResponse =
  | { readonly kind: 'readHoldingRegisters'; readonly values: readonly number[] }
  | { readonly kind: 'writeSingleRegister'; readonly address: number; readonly value: number }
  | { readonly kind: 'writeMultipleRegisters'; readonly address: number; readonly count: number };

export interface ModbusExceptionResponse {
  readonly kind: 'exception';
  /** Function code of the refused request, without the 0x80 bit. */
  readonly functionCode: number;
  readonly code: number;
}

/** Everything a slave may answer. */
export type ModbusReply = ModbusResponse | ModbusExceptionResponse;

/** A request a slave could not decode, with the exception it must answer. */
export type DecodedRequest = { readonly ok: true; readonly request: ModbusRequest } | ({ readonly ok: false } & ModbusExceptionResponse);

/** A response as a master sees it: accepted, refused by the slave, or not an answer to the request. */
export type DecodedResponse =
  | { readonly ok: true; readonly response: ModbusResponse }
  | ({ readonly ok: false } & ModbusExceptionResponse)
  | { readonly ok: false; readonly kind: 'garbled'; readonly reason: string };

export function functionCodeOf(request: ModbusRequest): FunctionCode {
  switch (request.kind) {
    case 'readHoldingRegisters':
      return FunctionCode.ReadHoldingRegisters;
    case 'writeSingleRegister':
      return FunctionCode.WriteSingleRegister;
    case 'writeMultipleRegisters':
      return FunctionCode.WriteMultipleRegisters;
    default:
      return assertNever(request, 'request');
  }
}

const view = (pdu: Uint8Array): DataView => new DataView(pdu.buffer, pdu.byteOffset, pdu.byteLength);

/** The big-endian register at byte `offset` of `bytes`. */
const registerAt = (bytes: Uint8Array, offset: number): number => (bytes[offset]! << 8) | bytes[offset + 1]!;

/**
 * `count` big-endian registers from byte `offset` on. Read from the bytes, without a DataView or
 * Array.from's mapper: a status read decodes one answer per drive and period, and those cost several
 * times more per read (measured 2026-12-06).
 */
function registersAt(bytes: Uint8Array, offset: number, count: number): number[] {
  const values: number[] = [];
  for (let i = 0; i < count; i++) values.push(registerAt(bytes, offset + 2 * i));
  return values;
}

const isU16 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffff;

function checkRange(address: number, count: number, max: number): void {
  if (!isU16(address)) throw new RangeError(`register address ${address} is not in 0..65535`);
  if (!Number.isInteger(count) || count < 1 || count > max) throw new RangeError(`register count ${count} is not in 1..${max}`);
  if (address + count > 0x10000) throw new RangeError(`registers ${address}..${address + count - 1} run past 65535`);
}

/** Throws RangeError when the request cannot be sent (bad address, count or value). */
export function validateRequest(request: ModbusRequest): void {
  switch (request.kind) {
    case 'readHoldingRegisters':
      return checkRange(request.address, request.count, MAX_READ_REGISTERS);
    case 'writeSingleRegister':
      checkRange(request.address, 1, 1);
      if (!isU16(request.value)) throw new RangeError(`register value ${request.value} is not in 0..65535`);
      return;
    case 'writeMultipleRegisters':
      checkRange(request.address, request.values.length, MAX_WRITE_REGISTERS);
      for (const value of request.values) if (!isU16(value)) throw new RangeError(`register value ${value} is not in 0..65535`);
      return;
    default:
      return assertNever(request, 'request');
  }
}

export function encodeRequest(request: ModbusRequest): Uint8Array {
  validateRequest(request);
  const fc = functionCodeOf(request);
  switch (request.kind) {
    case 'readHoldingRegisters':
      return fixed(fc, request.address, request.count);
    case 'writeSingleRegister':
      return fixed(fc, request.address, request.value);
    case 'writeMultipleRegisters': {
      const n = request.values.length;
      const pdu = new Uint8Array(6 + 2 * n);
      const data = view(pdu);
      pdu[0] = fc;
      data.setUint16(1, request.address);
      data.setUint16(3, n);
      pdu[5] = 2 * n;
      for (const [i, v] of request.values.entries()) data.setUint16(6 + 2 * i, v);
      return pdu;
    }
    default:
      return assertNever(request, 'request');
  }
}

function fixed(fc: number, first: number, second: number): Uint8Array {
  const pdu = new Uint8Array(5);
  const data = view(pdu);
  pdu[0] = fc;
  data.setUint16(1, first);
  data.setUint16(3, second);
  return pdu;
}

const exception = (functionCode: number, code: number): { ok: false } & ModbusExceptionResponse => ({
  ok: false,
  kind: 'exception',
  functionCode: functionCode & 0x7f,
  code,
});

/** Decodes a request PDU on the slave side; never throws. */
export function decodeRequest(pdu: Uint8Array): DecodedRequest {
  const fc = pdu[0] ?? 0;
  const data = view(pdu);
  switch (fc) {
    case FunctionCode.ReadHoldingRegisters: {
      if (pdu.length !== 5) return exception(fc, ExceptionCode.IllegalDataValue);
      const address = data.getUint16(1);
      const count = data.getUint16(3);
      if (count < 1 || count > MAX_READ_REGISTERS) return exception(fc, ExceptionCode.IllegalDataValue);
      return { ok: true, request: { kind: 'readHoldingRegisters', address, count } };
    }
    case FunctionCode.WriteSingleRegister: {
      if (pdu.length !== 5) return exception(fc, ExceptionCode.IllegalDataValue);
      return { ok: true, request: { kind: 'writeSingleRegister', address: data.getUint16(1), value: data.getUint16(3) } };
    }
    case FunctionCode.WriteMultipleRegisters: {
      if (pdu.length < 6) return exception(fc, ExceptionCode.IllegalDataValue);
      const address = data.getUint16(1);
      const count = data.getUint16(3);
      const byteCount = pdu[5]!;
      if (count < 1 || count > MAX_WRITE_REGISTERS || byteCount !== 2 * count || pdu.length !== 6 + byteCount) {
        return exception(fc, ExceptionCode.IllegalDataValue);
      }
      const values = registersAt(pdu, 6, count);
      return { ok: true, request: { kind: 'writeMultipleRegisters', address, values } };
    }
    default:
      return exception(fc, ExceptionCode.IllegalFunction);
  }
}

/** Encodes what a slave answers. */
export function encodeReply(reply: ModbusReply): Uint8Array {
  switch (reply.kind) {
    case 'readHoldingRegisters': {
      const n = reply.values.length;
      const pdu = new Uint8Array(2 + 2 * n);
      const data = view(pdu);
      pdu[0] = FunctionCode.ReadHoldingRegisters;
      pdu[1] = 2 * n;
      for (const [i, v] of reply.values.entries()) data.setUint16(2 + 2 * i, v & 0xffff);
      return pdu;
    }
    case 'writeSingleRegister':
      return fixed(FunctionCode.WriteSingleRegister, reply.address, reply.value);
    case 'writeMultipleRegisters':
      return fixed(FunctionCode.WriteMultipleRegisters, reply.address, reply.count);
    case 'exception':
      return Uint8Array.of((reply.functionCode & 0x7f) | 0x80, reply.code & 0xff);
    default:
      return assertNever(reply, 'reply');
  }
}

const garbled = (reason: string): DecodedResponse => ({ ok: false, kind: 'garbled', reason });

/** Decodes a response PDU on the master side and checks that it answers `request`; never throws. */
export function decodeResponse(request: ModbusRequest, pdu: Uint8Array): DecodedResponse {
  const fc = functionCodeOf(request);
  const got = pdu[0];
  if (got === (fc | 0x80)) {
    return pdu.length === 2 ? exception(fc, pdu[1]!) : garbled(`exception response of ${pdu.length} bytes`);
  }
  if (got !== fc) return garbled(`function code ${got} in answer to ${fc}`);
  switch (request.kind) {
    case 'readHoldingRegisters': {
      const byteCount = pdu[1];
      if (byteCount !== 2 * request.count || pdu.length !== 2 + byteCount) {
        return garbled(`byte count ${byteCount} (${pdu.length}-byte PDU) for ${request.count} registers`);
      }
      const values = registersAt(pdu, 2, request.count);
      return { ok: true, response: { kind: 'readHoldingRegisters', values } };
    }
    case 'writeSingleRegister': {
      if (pdu.length !== 5) return garbled(`${pdu.length}-byte FC06 answer`);
      const address = registerAt(pdu, 1);
      const value = registerAt(pdu, 3);
      if (address !== request.address || value !== request.value) return garbled(`FC06 echo ${address}=${value} does not match`);
      return { ok: true, response: { kind: 'writeSingleRegister', address, value } };
    }
    case 'writeMultipleRegisters': {
      if (pdu.length !== 5) return garbled(`${pdu.length}-byte FC16 answer`);
      const address = registerAt(pdu, 1);
      const count = registerAt(pdu, 3);
      if (address !== request.address || count !== request.values.length) return garbled(`FC16 echo ${address}+${count} does not match`);
      return { ok: true, response: { kind: 'writeMultipleRegisters', address, count } };
    }
    default:
      return assertNever(request, 'request');
  }
}

/** PDU length of the normal (non-exception) response to `request`. */
export function responsePduLength(request: ModbusRequest): number {
  switch (request.kind) {
    case 'readHoldingRegisters':
      return 2 + 2 * request.count;
    case 'writeSingleRegister':
    case 'writeMultipleRegisters':
      return 5;
    default:
      return assertNever(request, 'request');
  }
}
