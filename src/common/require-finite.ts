/**
 * Argument check for numbers that cross a driver boundary: a non-number is a TypeError, NaN or an
 * infinity a RangeError, both naming the argument. These are programming errors, never drive faults.
 */
export function requireFinite(name: string, value: number): void {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${typeof value}`);
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be finite, got ${value}`);
}
