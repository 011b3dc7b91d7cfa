import { describe, expect, it } from 'vitest';
import { appendCrc, crc16, hasValidCrc } from '../../protocols/crc16.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(s.split(' ').map((b) => parseInt(b, 16)));

describe('Modbus CRC-16', () => {
  it('matches the CRC-16/MODBUS check value for "123456789"', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x4b37);
  });

  it.each([
    ['01 03 00 00 00 0A', 'C5 CD'],
    ['11 03 00 6B 00 03', '76 87'],
    ['01 06 00 01 00 03', '98 0B'],
    ['01 10 00 01 00 02 04 00 0A 01 02', '92 30'],
  ])('puts the CRC of %s on the wire low byte first as %s', (body, crc) => {
    expect(appendCrc(hex(body))).toEqual(hex(`${body} ${crc}`));
  });

  it('accepts a frame with its own CRC and rejects one with a flipped bit', () => {
    const frame = appendCrc(hex('01 03 00 00 00 0A'));
    expect(hasValidCrc(frame)).toBe(true);
    frame[3] = frame[3]! ^ 0x01;
    expect(hasValidCrc(frame)).toBe(false);
  });

  it('checks a frame inside a larger buffer', () => {
    const buffer = hex('FF FF 01 03 00 00 00 0A C5 CD FF');
    expect(hasValidCrc(buffer, 2, 10)).toBe(true);
    expect(crc16(buffer, 2, 8)).toBe(0xcdc5);
  });
});
