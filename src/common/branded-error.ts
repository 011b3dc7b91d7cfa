/**
 * The type guard of an error class branded with `readonly isXxxError = true`. A brand, unlike
 * `instanceof`, holds across two copies of a module (the bundle and a test's import of the source,
 * two installed versions), so errors are recognised by what they say they are. The brand is
 * checked by the compiler against the class.
 */
export function brandGuard<T extends Error>(brand: keyof T & `is${string}Error`): (e: unknown) => e is T {
  return (e: unknown): e is T => typeof e === 'object' && e !== null && (e as Record<PropertyKey, unknown>)[brand] === true;
}
