/**
 * Modbus TCP framing: the 7-byte MBAP header (transaction id, protocol id 0, length, unit id) before
 * each PDU. TCP keeps the bytes in order, so a frame boundary is lost only when a peer sends nonsense;
 * the extractor then reports the stream as desynchronised and the owner drops the connection.
 */

export const MBAP_HEADER_LENGTH = 7;
/** Largest PDU: 253 bytes, so the MBAP length field (unit id + PDU) is at most 254. */
export const MAX_MBAP_LENGTH = 254;

export interface MbapFrame {
  readonly transactionId: number;
  readonly unitId: number;
  readonly pdu: Uint8Array;
}

export function encodeMbapAdu(transactionId: number, unitId: number, pdu: Uint8Array): Uint8Array {
  const adu = new Uint8Array(MBAP_HEADER_LENGTH + pdu.length);
  const view = new DataView(adu.buffer);
  view.setUint16(0, transactionId & 0xffff);
  view.setUint16(2, 0);
  view.setUint16(4, pdu.length + 1);
  adu[6] = unitId & 0xff;
  adu.set(pdu, MBAP_HEADER_LENGTH);
  return adu;
}

/** Cuts MBAP frames out of a TCP byte stream; never throws. */
export class MbapFrameExtractor {
  private pending = new Uint8Array(0);
  private desyncReason: string | undefined;

  /** Why the stream cannot be framed any more, or undefined while it is fine. */
  get desynchronised(): string | undefined {
    return this.desyncReason;
  }

  get buffered(): number {
    return this.pending.length;
  }

  push(chunk: Uint8Array): MbapFrame[] {
    if (this.desyncReason !== undefined) return [];
    const joined = new Uint8Array(this.pending.length + chunk.length);
    joined.set(this.pending, 0);
    joined.set(chunk, this.pending.length);
    const view = new DataView(joined.buffer);
    const frames: MbapFrame[] = [];
    let start = 0;
    while (joined.length - start >= MBAP_HEADER_LENGTH) {
      const protocolId = view.getUint16(start + 2);
      const length = view.getUint16(start + 4);
      if (protocolId !== 0 || length < 2 || length > MAX_MBAP_LENGTH) {
        this.desyncReason = `bad MBAP header (protocol id ${protocolId}, length ${length})`;
        this.pending = new Uint8Array(0);
        return frames;
      }
      const total = MBAP_HEADER_LENGTH - 1 + length;
      if (joined.length - start < total) break;
      frames.push({
        transactionId: view.getUint16(start),
        unitId: joined[start + 6]!,
        pdu: joined.slice(start + MBAP_HEADER_LENGTH, start + total),
      });
      start += total;
    }
    this.pending = joined.slice(start);
    return frames;
  }
}
