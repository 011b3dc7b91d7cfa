/**
 * The frame both serial bus-servo protocols share: `H H ID LEN BODY... CHK`, where BODY is the
 * command (LX) or instruction / error byte (Feetech) followed by its parameters, and
 * CHK = ~(ID + LEN + BODY) & 0xFF (the header is not summed). They differ in the header byte and in
 * what LEN counts:
 * - LX (LewanSoul/Hiwonder LX-16A "Bus Servo Communication Protocol" PDF, p.2; PyLX-16A lx16a.py
 *   `_checksum`): header 0x55, LEN = params + 3 (LEN, CMD, params, CHK), frame = LEN + 3 bytes.
 * - Feetech SCS/STS (SCServo_Linux src/SCS.cpp `writeBuf`; the Feetech Python SDK `txPacket`):
 *   header 0xFF, LEN = params + 2 (INST/ERR, params, CHK), frame = LEN + 4 bytes.
 */
export interface FrameFormat {
  readonly name: 'lx' | 'sts';
  readonly header: number;
  /** Frame bytes = LEN + this. */
  readonly lengthToFrame: number;
  /** The smallest and largest LEN a frame of this protocol may have. */
  readonly minLength: number;
  readonly maxLength: number;
}

export const LX_FORMAT: FrameFormat = { name: 'lx', header: 0x55, lengthToFrame: 3, minLength: 3, maxLength: 10 };
export const STS_FORMAT: FrameFormat = { name: 'sts', header: 0xff, lengthToFrame: 4, minLength: 2, maxLength: 250 };

/** The broadcast id of both protocols: every servo acts, none answers. */
export const BROADCAST_ID = 0xfe;

/** One frame: the servo id and the body (command or instruction / error byte, then the parameters). */
export interface ServoFrame {
  readonly id: number;
  readonly body: Uint8Array;
}

/** ~(sum of `bytes[from, to)`) & 0xFF. */
export function servoChecksum(bytes: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += bytes[i]!;
  return ~sum & 0xff;
}

/** The frame of `body` for servo `id`, ready for the wire. */
export function encodeServoFrame(format: FrameFormat, id: number, body: readonly number[]): Uint8Array {
  if (!Number.isInteger(id) || id < 0 || id > BROADCAST_ID) throw new RangeError(`servo id must be 0..254, got ${id}`);
  // The frame is header (2) + id + LEN + body + checksum = body + 5 bytes, and LEN + lengthToFrame.
  const length = body.length + 5 - format.lengthToFrame;
  if (length < format.minLength || length > format.maxLength)
    throw new RangeError(`${format.name} frame body of ${body.length} bytes is out of range`);
  const frame = new Uint8Array(length + format.lengthToFrame);
  frame[0] = format.header;
  frame[1] = format.header;
  frame[2] = id;
  frame[3] = length;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i]!;
    if (!Number.isInteger(byte) || byte < 0 || byte > 0xff) throw new RangeError(`frame byte ${i} must be 0..255, got ${byte}`);
    frame[4 + i] = byte;
  }
  frame[frame.length - 1] = servoChecksum(frame, 2, frame.length - 1);
  return frame;
}

export interface ServoFramerCounters {
  readonly frames: number;
  /** Candidate frames of plausible header and length whose checksum did not match. */
  readonly checksumErrors: number;
  /** Bytes dropped while looking for the start of a frame. */
  readonly garbageBytes: number;
}

/**
 * Cuts a received byte stream into checksum-valid frames: it looks for two header bytes, takes the
 * id and LEN, waits for the whole frame and checks its sum. A bad sum or an impossible id or LEN
 * drops one byte and looks again, so garbage before a frame costs only itself.
 */
export class ServoFrameExtractor {
  private pending = new Uint8Array(0);
  private readonly count = { frames: 0, checksumErrors: 0, garbageBytes: 0 };

  constructor(private readonly format: FrameFormat) {}

  get counters(): ServoFramerCounters {
    return { ...this.count };
  }

  /** Bytes received but not framed yet. */
  get buffered(): number {
    return this.pending.length;
  }

  /** Adds received bytes; returns the complete, checksum-valid frames they finish, in order. */
  push(chunk: Uint8Array): ServoFrame[] {
    const buf = new Uint8Array(this.pending.length + chunk.length);
    buf.set(this.pending, 0);
    buf.set(chunk, this.pending.length);
    const frames: ServoFrame[] = [];
    const { header, lengthToFrame, minLength, maxLength } = this.format;
    let start = 0;
    while (start < buf.length) {
      if (buf[start] !== header || (start + 1 < buf.length && buf[start + 1] !== header)) {
        start++;
        this.count.garbageBytes++;
        continue;
      }
      if (start + 4 > buf.length) break;
      const id = buf[start + 2]!;
      const length = buf[start + 3]!;
      if (id > BROADCAST_ID || length < minLength || length > maxLength) {
        start++;
        this.count.garbageBytes++;
        continue;
      }
      const end = start + length + lengthToFrame;
      if (end > buf.length) break;
      if (servoChecksum(buf, start + 2, end - 1) !== buf[end - 1]) {
        this.count.checksumErrors++;
        this.count.garbageBytes++;
        start++;
        continue;
      }
      frames.push({ id, body: buf.slice(start + 4, end - 1) });
      this.count.frames++;
      start = end;
    }
    this.pending = buf.slice(start);
    return frames;
  }

  /** Throws away what is buffered; returns how many bytes that was. */
  discard(): number {
    const bytes = this.pending.length;
    this.count.garbageBytes += bytes;
    this.pending = new Uint8Array(0);
    return bytes;
  }
}
