import type { DriveProfile, WordOrder } from '../../../../protocols/drive-profile.ts';

/**
 * Two register maps written out by hand for the simulator's tests, independent of the YAML files and
 * their loader: a bit-per-function map (32-bit high word first) and a CiA 402 map (low word first),
 * each with a gap so that unmapped addresses can be probed.
 */
export const BITS_PROFILE: DriveProfile = {
  name: 'test-bits',
  description: 'bits-style test map',
  wordOrder: 'high_first',
  countsPerMm: 1000,
  commLossTimeoutMs: 100,
  registers: {
    controlWord: { address: 0, type: 'uint16' },
    statusWord: { address: 1, type: 'uint16' },
    targetPosition: { address: 2, type: 'int32' },
    profileSpeed: { address: 4, type: 'uint32' },
    actualPosition: { address: 6, type: 'int32' },
    actualVelocity: { address: 8, type: 'int32' },
    followingError: { address: 10, type: 'int32' },
    alarmCode: { address: 12, type: 'uint16' },
    // 13..15 unmapped
    commLossTimeout: { address: 16, type: 'uint16' },
  },
  control: {
    style: 'bits',
    controlBits: { enable: 0, start: 1, hold: 2, alarmReset: 7 },
    statusBits: { ready: 0, enabled: 1, moving: 2, targetReached: 3, holding: 4, alarm: 7 },
  },
};

export const CIA402_PROFILE: DriveProfile = {
  name: 'test-cia402',
  description: 'CiA 402 test map',
  wordOrder: 'low_first',
  countsPerMm: 10000,
  commLossTimeoutMs: 100,
  registers: {
    controlWord: { address: 0x100, type: 'uint16' },
    commLossTimeout: { address: 0x102, type: 'uint16' },
    targetPosition: { address: 0x110, type: 'int32' },
    profileSpeed: { address: 0x114, type: 'uint32' },
    statusWord: { address: 0x120, type: 'uint16' },
    actualPosition: { address: 0x122, type: 'int32' },
    actualVelocity: { address: 0x124, type: 'int32' },
    followingError: { address: 0x126, type: 'int32' },
    alarmCode: { address: 0x128, type: 'uint16' },
  },
  control: { style: 'cia402' },
};

/** The same map with the other word order. */
export const withWordOrder = (profile: DriveProfile, wordOrder: WordOrder): DriveProfile => ({
  ...profile,
  name: `${profile.name}-${wordOrder}`,
  wordOrder,
});

/**
 * The test's own decoder (not the drivers', not the simulator's): a signed 32-bit value from two
 * registers in `order`.
 */
export function int32Of(words: readonly number[], order: WordOrder): number {
  const [a = 0, b = 0] = words;
  const [high, low] = order === 'high_first' ? [a, b] : [b, a];
  const unsigned = high * 65536 + low;
  return unsigned >= 2 ** 31 ? unsigned - 2 ** 32 : unsigned;
}

/** Two registers holding the signed 32-bit `value` in `order`: how a master writes it. */
export function wordsOf(value: number, order: WordOrder): [number, number] {
  const unsigned = value < 0 ? value + 2 ** 32 : value;
  const high = Math.floor(unsigned / 65536);
  const low = unsigned % 65536;
  return order === 'high_first' ? [high, low] : [low, high];
}
