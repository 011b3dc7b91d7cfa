/** Exhaustiveness check for discriminated unions: the compiler errors if a case is missing. */
export function assertNever(value: never, what = 'value'): never {
  throw new TypeError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
