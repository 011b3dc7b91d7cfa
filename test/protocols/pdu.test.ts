import { describe, expect, it } from 'vitest';
import { decodeRequest, decodeResponse, encodeReply, encodeRequest, type ModbusRequest } from '../../protocols/pdu.ts';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('Modbus PDUs', () => {
  it('encodes FC03, FC06 and FC16 requests big-endian', () => {
    expect(encodeRequest({ kind: 'readHoldingRegisters', address: 0x006b, count: 3 })).toEqual(bytes(0x03, 0x00, 0x6b, 0x00, 0x03));
    expect(encodeRequest({ kind: 'writeSingleRegister', address: 1, value: 0xabcd })).toEqual(bytes(0x06, 0x00, 0x01, 0xab, 0xcd));
    expect(encodeRequest({ kind: 'writeMultipleRegisters', address: 1, values: [0x000a, 0x0102] })).toEqual(
      bytes(0x10, 0x00, 0x01, 0x00, 0x02, 0x04, 0x00, 0x0a, 0x01, 0x02),
    );
  });

  it.each<[string, ModbusRequest]>([
    ['0 registers', { kind: 'readHoldingRegisters', address: 0, count: 0 }],
    ['126 registers', { kind: 'readHoldingRegisters', address: 0, count: 126 }],
    ['a range past 65535', { kind: 'readHoldingRegisters', address: 65535, count: 2 }],
    ['124 registers written', { kind: 'writeMultipleRegisters', address: 0, values: new Array<number>(124).fill(0) }],
    ['no register written', { kind: 'writeMultipleRegisters', address: 0, values: [] }],
    ['a value above 65535', { kind: 'writeSingleRegister', address: 0, value: 0x10000 }],
    ['a negative address', { kind: 'writeSingleRegister', address: -1, value: 0 }],
  ])('refuses to encode a request for %s', (_, request) => {
    expect(() => encodeRequest(request)).toThrow(RangeError);
  });

  it('accepts the limits: 125 registers read, 123 written', () => {
    expect(encodeRequest({ kind: 'readHoldingRegisters', address: 0, count: 125 })).toHaveLength(5);
    expect(encodeRequest({ kind: 'writeMultipleRegisters', address: 0, values: new Array<number>(123).fill(1) })).toHaveLength(252);
  });

  it('decodes what it encodes on the slave side', () => {
    const requests: ModbusRequest[] = [
      { kind: 'readHoldingRegisters', address: 10, count: 125 },
      { kind: 'writeSingleRegister', address: 65535, value: 7 },
      { kind: 'writeMultipleRegisters', address: 100, values: [1, 2, 65535] },
    ];
    for (const request of requests) expect(decodeRequest(encodeRequest(request))).toEqual({ ok: true, request });
  });

  it('answers illegal function for an unknown function code and illegal data value for a bad count', () => {
    expect(decodeRequest(bytes(0x04, 0, 0, 0, 1))).toEqual({ ok: false, kind: 'exception', functionCode: 0x04, code: 1 });
    expect(decodeRequest(bytes(0x03, 0, 0, 0, 126))).toEqual({ ok: false, kind: 'exception', functionCode: 0x03, code: 3 });
    expect(decodeRequest(bytes(0x10, 0, 0, 0, 2, 3, 0, 1, 0))).toEqual({ ok: false, kind: 'exception', functionCode: 0x10, code: 3 });
  });

  it('decodes a read answer and checks its byte count against the request', () => {
    const request: ModbusRequest = { kind: 'readHoldingRegisters', address: 0, count: 2 };
    expect(decodeResponse(request, bytes(0x03, 4, 0x12, 0x34, 0xff, 0xff))).toEqual({
      ok: true,
      response: { kind: 'readHoldingRegisters', values: [0x1234, 0xffff] },
    });
    expect(decodeResponse(request, bytes(0x03, 2, 0x12, 0x34))).toMatchObject({ ok: false, kind: 'garbled' });
  });

  it('decodes an exception answer (function | 0x80)', () => {
    const request: ModbusRequest = { kind: 'writeSingleRegister', address: 5, value: 1 };
    expect(decodeResponse(request, bytes(0x86, 0x02))).toEqual({ ok: false, kind: 'exception', functionCode: 6, code: 2 });
  });

  it('calls a write echo that does not match the request garbled', () => {
    const request: ModbusRequest = { kind: 'writeMultipleRegisters', address: 5, values: [1, 2] };
    expect(decodeResponse(request, bytes(0x10, 0, 5, 0, 2))).toMatchObject({ ok: true });
    expect(decodeResponse(request, bytes(0x10, 0, 5, 0, 3))).toMatchObject({ ok: false, kind: 'garbled' });
    expect(decodeResponse(request, bytes(0x03, 0, 5, 0, 2))).toMatchObject({ ok: false, kind: 'garbled' });
  });

  it('encodes replies, exceptions included', () => {
    expect(encodeReply({ kind: 'readHoldingRegisters', values: [1, 0x0203] })).toEqual(bytes(0x03, 4, 0, 1, 2, 3));
    expect(encodeReply({ kind: 'writeMultipleRegisters', address: 1, count: 2 })).toEqual(bytes(0x10, 0, 1, 0, 2));
    expect(encodeReply({ kind: 'exception', functionCode: 0x03, code: 2 })).toEqual(bytes(0x83, 0x02));
  });
});
