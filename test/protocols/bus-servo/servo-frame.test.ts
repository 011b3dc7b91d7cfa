import { describe, expect, it } from 'vitest';
import { encodeServoFrame, LX_FORMAT, ServoFrameExtractor, STS_FORMAT } from '../../../protocols/bus-servo/servo-frame.ts';
import { stsSyncRead } from '../../../protocols/bus-servo/sts-protocol.ts';

const hex = (text: string): Uint8Array => Uint8Array.from(text.split(' ').map((b) => Number.parseInt(b, 16)));
const asHex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

/**
 * Vectors built as the reference implementations build them (ethanlipson/PyLX-16A lx16a.py, the
 * LewanSoul sample in Roger-random/Sawppy_Rover arduino_sawppy/lewansoul.cpp, adityakamath/SCServo_Linux
 * src/SCS.cpp and src/SMS_STS.cpp, the Feetech Python SDK), their checksums worked by hand:
 * e.g. LX move: ~(01+07+01+F4+01+E8+03 = 0x1E9) & 0xFF = 0x16.
 */
describe('bus-servo frames, byte for byte', () => {
  it.each([
    ['LX MOVE_TIME_WRITE id 1 to 500 in 1000 ms', LX_FORMAT, 1, [0x01, 0xf4, 0x01, 0xe8, 0x03], '55 55 01 07 01 F4 01 E8 03 16'],
    ['LX POS_READ id 1', LX_FORMAT, 1, [0x1c], '55 55 01 03 1C DF'],
    ['LX POS_READ reply, position 500', LX_FORMAT, 1, [0x1c, 0xf4, 0x01], '55 55 01 05 1C F4 01 E8'],
    ['LX POS_READ reply, position -5', LX_FORMAT, 1, [0x1c, 0xfb, 0xff], '55 55 01 05 1C FB FF E3'],
    ['LX LOAD_OR_UNLOAD_WRITE unload', LX_FORMAT, 1, [0x1f, 0x00], '55 55 01 04 1F 00 DB'],
    ['LX MOVE_STOP', LX_FORMAT, 1, [0x0c], '55 55 01 03 0C EF'],
    ['LX VIN_READ reply 7400 mV', LX_FORMAT, 1, [0x1b, 0xe8, 0x1c], '55 55 01 05 1B E8 1C DA'],
    ['STS READ present position (56, 2 bytes)', STS_FORMAT, 1, [0x02, 0x38, 0x02], 'FF FF 01 04 02 38 02 BE'],
    ['STS status reply, position 2048', STS_FORMAT, 1, [0x00, 0x00, 0x08], 'FF FF 01 04 00 00 08 F2'],
    ['STS WRITE goal position 2048', STS_FORMAT, 1, [0x03, 0x2a, 0x00, 0x08], 'FF FF 01 05 03 2A 00 08 C4'],
    ['STS torque off', STS_FORMAT, 1, [0x03, 0x28, 0x00], 'FF FF 01 04 03 28 00 CF'],
    ['STS SYNC_READ 56 x2 of ids 1, 2, 3', STS_FORMAT, 0xfe, [0x82, 0x38, 0x02, 0x01, 0x02, 0x03], 'FF FF FE 07 82 38 02 01 02 03 38'],
    ['STS WRITE ack', STS_FORMAT, 1, [0x00], 'FF FF 01 02 00 FC'],
  ] as const)('%s', (_what, format, id, body, wire) => {
    expect(asHex(encodeServoFrame(format, id, body))).toBe(wire);
    const [frame, ...rest] = new ServoFrameExtractor(format).push(hex(wire));
    expect(rest).toEqual([]);
    expect(frame).toEqual({ id, body: Uint8Array.from(body) });
  });

  it('builds the SYNC_READ as the Feetech SDK does (broadcast, 0x82, address, length, ids)', () => {
    expect(asHex(stsSyncRead([1, 2, 3], 0x38, 2))).toBe('FF FF FE 07 82 38 02 01 02 03 38');
    expect(() => stsSyncRead([], 0x38, 2)).toThrow(/at least one servo id/);
  });

  it('frames a stream cut anywhere, skips garbage before a frame, and drops a frame with a bad checksum', () => {
    const extractor = new ServoFrameExtractor(LX_FORMAT);
    const stream = hex('13 55 37 55 55 01 05 1C F4 01 E8 55 55 01 05 1C F4 01 E9 55 55 01 03 1C DF');
    const frames = [...stream].flatMap((byte) => extractor.push(Uint8Array.of(byte)));
    expect(frames.map((f) => f.body[0])).toEqual([0x1c, 0x1c]);
    expect(extractor.counters).toMatchObject({ frames: 2, checksumErrors: 1 });
    expect(extractor.buffered).toBe(0);
  });

  it('refuses an id or body no servo frame can carry', () => {
    expect(() => encodeServoFrame(LX_FORMAT, 255, [0x1c])).toThrow(RangeError);
    expect(() => encodeServoFrame(LX_FORMAT, 1, [0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toThrow(RangeError);
    expect(() => encodeServoFrame(STS_FORMAT, 1, [0x03, 256])).toThrow(RangeError);
  });
});
