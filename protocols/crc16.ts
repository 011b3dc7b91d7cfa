/**
 * Modbus CRC-16: reflected polynomial 0xA001, initial value 0xFFFF, no final xor. On the wire the low
 * byte goes first: 01 03 00 00 00 0A has CRC 0xCDC5, sent as C5 CD.
 */

const TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let crc = n;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    table[n] = crc;
  }
  return table;
})();

/** CRC of `bytes[start, end)`. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** Returns `body` followed by its CRC, low byte first. */
export function appendCrc(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 2);
  out.set(body, 0);
  const crc = crc16(body);
  out[body.length] = crc & 0xff;
  out[body.length + 1] = crc >>> 8;
  return out;
}

/** True when the last two bytes of `bytes[start, end)` are the CRC of the bytes before them. */
export function hasValidCrc(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  if (end - start < 3) return false;
  const crc = crc16(bytes, start, end - 2);
  return bytes[end - 2] === (crc & 0xff) && bytes[end - 1] === crc >>> 8;
}
