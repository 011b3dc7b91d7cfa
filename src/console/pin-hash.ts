import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { PIN_HASH_PATTERN } from '../config/index.ts';

/**
 * Salted scrypt hashes of operator PINs, stored in the config as `scrypt$<salt>$<hash>` (base64).
 * scrypt runs on libuv's thread pool (about 50 ms, 16 MiB), so checking a PIN never blocks the
 * supervision cycle.
 */

const SCRYPT: ScryptOptions = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** Shortest and longest PIN or password accepted, characters. */
export const PIN_LENGTH = { min: 4, max: 64 } as const;

/** Why `pin` cannot be a PIN (too short, too long, blanks or control characters), or undefined when it can. */
export function whyNotAPin(pin: string): string | undefined {
  if (pin.length < PIN_LENGTH.min || pin.length > PIN_LENGTH.max) return `a PIN has ${PIN_LENGTH.min} to ${PIN_LENGTH.max} characters`;
  // No blanks, so that a line such as "hold all" typed at the PIN prompt is never taken for a PIN.
  if (!/^[\x21-\x7e]+$/.test(pin)) return 'a PIN has printable ASCII characters only, no blanks';
  return undefined;
}

function derive(pin: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pin.normalize('NFC'), salt, KEY_BYTES, SCRYPT, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** A new hash line for `pin`, with a fresh random salt. Throws a RangeError for a PIN whyNotAPin refuses. */
export async function hashPin(pin: string): Promise<string> {
  const why = whyNotAPin(pin);
  if (why) throw new RangeError(why);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(pin, salt);
  return `scrypt$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A valid hash of a PIN nobody knows: checked against when the operator name is unknown, so both take as long. */
const DECOY_HASH = `scrypt$${Buffer.alloc(SALT_BYTES).toString('base64')}$${Buffer.alloc(KEY_BYTES).toString('base64')}`;

/**
 * True when `pin` matches `hash` (constant-time comparison). `hash` undefined (unknown operator) or
 * malformed: false, after the same work as a real check.
 */
export async function verifyPin(pin: string, hash: string | undefined): Promise<boolean> {
  const known = hash !== undefined && PIN_HASH_PATTERN.test(hash);
  const [, salt = '', expected = ''] = (known ? hash : DECOY_HASH).split('$');
  const key = await derive(pin, Buffer.from(salt, 'base64'));
  return timingSafeEqual(key, Buffer.from(expected, 'base64')) && known;
}
