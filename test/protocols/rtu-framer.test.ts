import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasValidCrc } from '../../protocols/crc16.ts';
import { encodeReply, encodeRequest, type ModbusRequest } from '../../protocols/pdu.ts';
import {
  RtuFrameExtractor,
  charTimeMs,
  encodeRtuAdu,
  frameTimeMs,
  requestFrameLength,
  responseFrameRule,
  silentIntervalMs,
  type FrameLengthRule,
} from '../../protocols/rtu-framer.ts';

const read4: ModbusRequest = { kind: 'readHoldingRegisters', address: 0, count: 4 };
const readRequestFrame = encodeRtuAdu(1, encodeRequest(read4));
const readAnswerFrame = encodeRtuAdu(1, encodeReply({ kind: 'readHoldingRegisters', values: [10, 20, 30, 40] }));
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('RTU frame extractor', () => {
  it('frames a request delivered one byte at a time', () => {
    const framer = new RtuFrameExtractor(requestFrameLength);
    const frames = [...readRequestFrame].flatMap((b) => framer.push(Uint8Array.of(b)));
    expect(frames).toEqual([{ unitId: 1, pdu: encodeRequest(read4) }]);
    expect(framer.buffered).toBe(0);
  });

  it('frames an FC16 request whose length comes from its byte count', () => {
    const pdu = encodeRequest({ kind: 'writeMultipleRegisters', address: 3, values: [1, 2, 3] });
    const framer = new RtuFrameExtractor(requestFrameLength);
    expect(framer.push(encodeRtuAdu(7, pdu).subarray(0, 6))).toEqual([]);
    expect(framer.push(encodeRtuAdu(7, pdu).subarray(6))).toEqual([{ unitId: 7, pdu }]);
  });

  it('splits two frames that arrive in one chunk', () => {
    const second = encodeRtuAdu(2, encodeRequest({ kind: 'writeSingleRegister', address: 1, value: 2 }));
    const framer = new RtuFrameExtractor(requestFrameLength);
    expect(framer.push(concat(readRequestFrame, second)).map((f) => f.unitId)).toEqual([1, 2]);
  });

  it('skips garbage in front of a frame and counts it', () => {
    const framer = new RtuFrameExtractor(responseFrameRule(1, read4));
    const frames = framer.push(concat(Uint8Array.of(0xff, 0x00, 0x42), readAnswerFrame));
    expect(frames).toHaveLength(1);
    expect(framer.counters).toMatchObject({ frames: 1, garbageBytes: 3, crcErrors: 0 });
  });

  it('counts a bad CRC instead of throwing, and still finds the good frame after it', () => {
    const bad = readAnswerFrame.slice();
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    const framer = new RtuFrameExtractor(responseFrameRule(1, read4));
    expect(() => framer.push(bad)).not.toThrow();
    expect(framer.counters.crcErrors).toBe(1);
    expect(framer.push(readAnswerFrame)).toHaveLength(1);
  });

  it('counts a corrupted request once even when headers inside it fail their CRC too', () => {
    const good = encodeRtuAdu(1, encodeRequest({ kind: 'readHoldingRegisters', address: 0, count: 1 }));
    const bad = good.slice();
    bad[bad.length - 2] = bad[bad.length - 2]! ^ 0x01; // "00 01" inside it looks like a unit 0, FC01 request
    const framer = new RtuFrameExtractor(requestFrameLength);
    expect(framer.push(concat(bad, good))).toHaveLength(1);
    expect(framer.counters.crcErrors).toBe(1);
  });

  it('keeps a truncated frame pending and counts it when discarded', () => {
    const framer = new RtuFrameExtractor(responseFrameRule(1, read4));
    expect(framer.push(readAnswerFrame.subarray(0, 7))).toEqual([]);
    expect(framer.buffered).toBe(7);
    expect(framer.discard()).toBe(7);
    expect(framer.counters.truncatedFrames).toBe(1);
    expect(framer.buffered).toBe(0);
  });

  it('does not stall on a false header in noise when a complete frame follows', () => {
    // 01 10 .. byte count 200: a request header that would need 209 bytes.
    const falseHeader = Uint8Array.of(0x01, 0x10, 0x00, 0x00, 0x00, 0x64, 0xc8);
    const framer = new RtuFrameExtractor(requestFrameLength);
    expect(framer.push(concat(falseHeader, readRequestFrame))).toEqual([{ unitId: 1, pdu: encodeRequest(read4) }]);
  });

  it('takes only the answer of the addressed unit and function as a master', () => {
    const otherUnit = encodeRtuAdu(2, encodeReply({ kind: 'readHoldingRegisters', values: [1, 2, 3, 4] }));
    const wrongCount = encodeRtuAdu(1, encodeReply({ kind: 'readHoldingRegisters', values: [1, 2] }));
    const framer = new RtuFrameExtractor(responseFrameRule(1, read4));
    const frames = framer.push(concat(otherUnit, wrongCount, readAnswerFrame));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.pdu).toEqual(encodeReply({ kind: 'readHoldingRegisters', values: [10, 20, 30, 40] }));
  });

  it('frames an exception answer to a request', () => {
    const framer = new RtuFrameExtractor(responseFrameRule(1, read4));
    expect(framer.push(encodeRtuAdu(1, Uint8Array.of(0x83, 0x02)))).toEqual([{ unitId: 1, pdu: Uint8Array.of(0x83, 0x02) }]);
  });
});

/** Is there a CRC-valid frame under `rule` that starts inside `stream[0, before)`? Then the noise hides a frame of its own. */
function noiseContainsFrame(rule: FrameLengthRule, stream: Uint8Array, before: number): boolean {
  for (let i = 0; i < before; i++) {
    const length = rule(stream, i, stream.length);
    if (typeof length === 'number' && length >= 4 && length <= 256 && i + length <= stream.length && hasValidCrc(stream, i, i + length))
      return true;
  }
  return false;
}

/** Cuts `stream` at the given points (any order, duplicates allowed). */
function chunked(stream: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, stream.length]) {
    chunks.push(stream.subarray(from, p));
    from = p;
  }
  return chunks;
}

describe('RTU frame extractor properties', () => {
  const bytes = fc.uint8Array({ maxLength: 300 });
  const request = fc.oneof(
    fc.record({
      kind: fc.constant('readHoldingRegisters' as const),
      address: fc.integer({ min: 0, max: 1000 }),
      count: fc.integer({ min: 1, max: 125 }),
    }),
    fc.record({
      kind: fc.constant('writeSingleRegister' as const),
      address: fc.integer({ min: 0, max: 65535 }),
      value: fc.integer({ min: 0, max: 65535 }),
    }),
    fc.record({
      kind: fc.constant('writeMultipleRegisters' as const),
      address: fc.integer({ min: 0, max: 1000 }),
      values: fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 123 }),
    }),
  );

  it('never throws on arbitrary byte chunks, in either direction', () => {
    fc.assert(
      fc.property(fc.array(bytes, { maxLength: 10 }), request, (chunks, req) => {
        const slave = new RtuFrameExtractor(requestFrameLength);
        const master = new RtuFrameExtractor(responseFrameRule(1, req));
        for (const chunk of chunks) {
          slave.push(chunk);
          master.push(chunk);
        }
        slave.discard();
        master.discard();
        expect(slave.buffered + master.buffered).toBe(0);
      }),
    );
  });

  it('recovers a request sent after noise, however the stream is chunked', () => {
    fc.assert(
      fc.property(bytes, fc.integer({ min: 1, max: 247 }), request, fc.array(fc.nat(), { maxLength: 8 }), (noise, unitId, req, cuts) => {
        const frame = encodeRtuAdu(unitId, encodeRequest(req));
        const stream = concat(noise, frame);
        fc.pre(!noiseContainsFrame(requestFrameLength, stream, noise.length));
        const framer = new RtuFrameExtractor(requestFrameLength);
        const frames = chunked(stream, cuts).flatMap((c) => framer.push(c));
        expect(frames).toEqual([{ unitId, pdu: encodeRequest(req) }]);
      }),
    );
  });

  it('recovers the answer after noise as a master', () => {
    fc.assert(
      fc.property(
        bytes,
        fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 125 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (noise, values, cuts) => {
          const req: ModbusRequest = { kind: 'readHoldingRegisters', address: 0, count: values.length };
          const rule = responseFrameRule(9, req);
          const pdu = encodeReply({ kind: 'readHoldingRegisters', values });
          const stream = concat(noise, encodeRtuAdu(9, pdu));
          fc.pre(!noiseContainsFrame(rule, stream, noise.length));
          const framer = new RtuFrameExtractor(rule);
          expect(chunked(stream, cuts).flatMap((c) => framer.push(c))).toEqual([{ unitId: 9, pdu }]);
        },
      ),
    );
  });
});

describe('RTU wire timing', () => {
  it('takes 11 bits per character by default', () => {
    expect(charTimeMs(9600)).toBeCloseTo(1.1458, 3);
    expect(frameTimeMs(8, 9600)).toBeCloseTo(9.1667, 3);
  });

  it('makes the silent interval 3.5 characters up to 19200 baud and 1.75 ms above', () => {
    expect(silentIntervalMs(9600)).toBeCloseTo(4.0104, 3);
    expect(silentIntervalMs(19200)).toBeCloseTo(2.0052, 3);
    expect(silentIntervalMs(38400)).toBe(1.75);
    expect(silentIntervalMs(115200)).toBe(1.75);
  });
});
