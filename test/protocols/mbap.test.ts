import { describe, expect, it } from 'vitest';
import { MbapFrameExtractor, encodeMbapAdu } from '../../protocols/mbap.ts';

describe('MBAP framing', () => {
  it('writes transaction id, protocol 0, length and unit id before the PDU', () => {
    expect(encodeMbapAdu(0x1234, 7, Uint8Array.of(0x03, 0, 0, 0, 4))).toEqual(Uint8Array.of(0x12, 0x34, 0, 0, 0, 6, 7, 0x03, 0, 0, 0, 4));
  });

  it('frames split and merged chunks', () => {
    const a = encodeMbapAdu(1, 1, Uint8Array.of(0x03, 2, 0, 9));
    const b = encodeMbapAdu(2, 5, Uint8Array.of(0x83, 2));
    const stream = Uint8Array.from([...a, ...b]);
    const extractor = new MbapFrameExtractor();
    const frames = [
      extractor.push(stream.subarray(0, 3)),
      extractor.push(stream.subarray(3, 14)),
      extractor.push(stream.subarray(14)),
    ].flat();
    expect(frames).toEqual([
      { transactionId: 1, unitId: 1, pdu: Uint8Array.of(0x03, 2, 0, 9) },
      { transactionId: 2, unitId: 5, pdu: Uint8Array.of(0x83, 2) },
    ]);
  });

  it('reports a stream that is not MBAP instead of throwing', () => {
    const extractor = new MbapFrameExtractor();
    expect(extractor.push(Uint8Array.of(0, 1, 0x12, 0x34, 0, 6, 1, 3, 0, 0, 0, 1))).toEqual([]);
    expect(extractor.desynchronised).toMatch(/protocol id/);
  });
});
