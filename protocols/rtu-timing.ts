/**
 * RTU wire timing, computed from the line settings: a pty or USB adapter does not model it, so the
 * transports and the simulator derive deadlines and gaps from these.
 */

/** Bits per character: start bit, 8 data bits, optional parity bit, 1 or 2 stop bits (spec: 11). */
export function bitsPerChar(parity: 'none' | 'even' | 'odd' = 'even', stopBits: 1 | 2 = 1): number {
  return 1 + 8 + (parity === 'none' ? 0 : 1) + stopBits;
}

/** Time one character occupies on the line, in ms. */
export function charTimeMs(baudRate: number, bitsPerCharacter = 11): number {
  return (bitsPerCharacter * 1000) / baudRate;
}

/** Time `bytes` characters occupy on the line back to back, in ms. */
export function frameTimeMs(bytes: number, baudRate: number, bitsPerCharacter = 11): number {
  return bytes * charTimeMs(baudRate, bitsPerCharacter);
}

/**
 * The 3.5-character silence that separates RTU frames, in ms. Above 19200 baud the spec fixes it at
 * 1.75 ms instead of letting it shrink with the character time.
 */
export function silentIntervalMs(baudRate: number, bitsPerCharacter = 11): number {
  return baudRate > 19200 ? 1.75 : 3.5 * charTimeMs(baudRate, bitsPerCharacter);
}
