import { appendCrc, hasValidCrc } from './crc16.ts';
import { FunctionCode, functionCodeOf, type ModbusRequest } from './pdu.ts';

export { bitsPerChar, charTimeMs, frameTimeMs, silentIntervalMs } from './rtu-timing.ts';

/** The largest RTU ADU the spec allows: unit id + 253-byte PDU + CRC. */
export const MAX_RTU_ADU = 256;

/** Highest addressable slave; 0 is broadcast, 248..255 are reserved. */
export const MAX_UNIT_ID = 247;

/**
 * Length in bytes (unit id through CRC) of the frame that would start at `buf[start]`, looking only at
 * `buf[start, end)`: a number, 'need_more' when the header is not complete yet, or 'invalid' when no
 * acceptable frame starts there.
 */
export type FrameLength = number | 'need_more' | 'invalid';
export type FrameLengthRule = (buf: Uint8Array, start: number, end: number) => FrameLength;

export interface RtuFrame {
  readonly unitId: number;
  readonly pdu: Uint8Array;
}

export interface RtuFramerCounters {
  /** Frames with a valid CRC handed out. */
  readonly frames: number;
  /** Candidate frames of plausible header and full length whose CRC did not match. */
  readonly crcErrors: number;
  /** Bytes dropped while looking for the start of a frame. */
  readonly garbageBytes: number;
  /** Incomplete frames thrown away by discard(). */
  readonly truncatedFrames: number;
}

/** Unit id + PDU + CRC, ready for the wire. */
export function encodeRtuAdu(unitId: number, pdu: Uint8Array): Uint8Array {
  const body = new Uint8Array(1 + pdu.length);
  body[0] = unitId;
  body.set(pdu, 1);
  return appendCrc(body);
}

/**
 * Frames requests as a slave sees them: any unit id 0..247 and every public function code whose
 * request length follows from its header (so that a slave can answer "illegal function" to those it
 * does not implement). Unknown function codes are treated as noise.
 */
export const requestFrameLength: FrameLengthRule = (buf, start, end) => {
  const avail = end - start;
  if (avail < 2) return 'need_more';
  if (buf[start]! > MAX_UNIT_ID) return 'invalid';
  switch (buf[start + 1]!) {
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x04:
    case 0x05:
    case 0x06:
    case 0x08:
      return 8;
    case 0x07:
    case 0x0b:
    case 0x0c:
    case 0x11:
      return 4;
    case 0x18:
      return 6;
    case 0x16:
      return 10;
    case 0x0f:
    case 0x10:
      return avail < 7 ? 'need_more' : 9 + buf[start + 6]!;
    case 0x17:
      return avail < 11 ? 'need_more' : 13 + buf[start + 10]!;
    default:
      return 'invalid';
  }
};

/**
 * Frames the answer to one request as its master expects it: same unit id, and either the request's
 * function code with the exact expected length (FC03: byte count = 2 x count) or its exception (fc | 0x80).
 */
export function responseFrameRule(unitId: number, request: ModbusRequest): FrameLengthRule {
  const fc = functionCodeOf(request);
  const byteCount = request.kind === 'readHoldingRegisters' ? 2 * request.count : 0;
  return (buf, start, end) => {
    const avail = end - start;
    if (avail < 1) return 'need_more';
    if (buf[start] !== unitId) return 'invalid';
    if (avail < 2) return 'need_more';
    const got = buf[start + 1];
    if (got === (fc | 0x80)) return 5;
    if (got !== fc) return 'invalid';
    if (fc !== FunctionCode.ReadHoldingRegisters) return 8;
    if (avail < 3) return 'need_more';
    return buf[start + 2] === byteCount ? 5 + byteCount : 'invalid';
  };
}

/** No bytes pending (shared: never written to). */
const NOTHING = new Uint8Array(0);

function joined(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Cuts RTU frames out of a byte stream by length, for either direction (the rule decides). Bad input
 * never throws: a position where no acceptable frame starts is dropped one byte at a time, a frame with
 * a bad CRC is counted once and dropped by one byte too (it may have been noise in front of a real frame),
 * and while a frame is incomplete, a complete valid frame further on wins (so a false header in noise
 * cannot stall the stream).
 */
export class RtuFrameExtractor {
  private pending = NOTHING;
  private count = { frames: 0, crcErrors: 0, garbageBytes: 0, truncatedFrames: 0 };
  /** Pending bytes that still belong to the last frame with a bad CRC (not counted again). */
  private badFrameRest = 0;

  constructor(private readonly rule: FrameLengthRule) {}

  /** Bytes received but not yet framed. */
  get buffered(): number {
    return this.pending.length;
  }

  get counters(): RtuFramerCounters {
    return { ...this.count };
  }

  /** Adds received bytes; returns the complete, CRC-valid frames they finish, in order. */
  push(chunk: Uint8Array): RtuFrame[] {
    // Usually a whole answer in one chunk with nothing pending: framed from the chunk itself (what is
    // kept of it, a frame's PDU and any rest, is copied: a link may reuse the chunk's memory).
    const buf = this.pending.length === 0 ? chunk : joined(this.pending, chunk);
    const frames: RtuFrame[] = [];
    let start = 0;
    let badFrameEnd = this.badFrameRest;
    while (start < buf.length) {
      const length = this.completeLength(buf, start);
      if (length === 'invalid') {
        start += 1;
        this.count.garbageBytes += 1;
      } else if (length === 'need_more') {
        const later = this.nextValidFrame(buf, start + 1);
        if (later < 0) break;
        this.count.garbageBytes += later - start;
        start = later;
      } else if (hasValidCrc(buf, start, start + length)) {
        frames.push({ unitId: buf[start]!, pdu: buf.slice(start + 1, start + length - 2) });
        this.count.frames += 1;
        start += length;
      } else {
        // A header inside a bad frame that also fails is part of the same error.
        if (start >= badFrameEnd) this.count.crcErrors += 1;
        badFrameEnd = Math.max(badFrameEnd, start + length);
        this.count.garbageBytes += 1;
        start += 1;
      }
    }
    this.badFrameRest = Math.max(0, badFrameEnd - start);
    this.pending = start < buf.length ? buf.slice(start) : NOTHING;
    return frames;
  }

  /** Throws away what is buffered (an incomplete frame counts as truncated); returns the byte count. */
  discard(): number {
    const bytes = this.pending.length;
    if (bytes > 0) {
      if (this.completeLength(this.pending, 0) === 'need_more') this.count.truncatedFrames += 1;
      else this.count.garbageBytes += bytes;
    }
    this.pending = NOTHING;
    this.badFrameRest = 0;
    return bytes;
  }

  /** The rule's length, 'need_more' also while the frame's bytes have not all arrived. */
  private completeLength(buf: Uint8Array, start: number): FrameLength {
    const length = this.rule(buf, start, buf.length);
    if (length === 'invalid' || length === 'need_more') return length;
    if (length < 4 || length > MAX_RTU_ADU) return 'invalid';
    return start + length <= buf.length ? length : 'need_more';
  }

  private nextValidFrame(buf: Uint8Array, from: number): number {
    for (let i = from; i < buf.length; i++) {
      const length = this.completeLength(buf, i);
      if (typeof length === 'number' && hasValidCrc(buf, i, i + length)) return i;
    }
    return -1;
  }
}
