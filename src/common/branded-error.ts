/**
 * The type guard of an error class branded with `readonly isXxxError = true`. A brand, unlike
 * `instanceof`, holds across two copies of a module (the bundle and a test's import of the source,
 * two installed versions), so errors are recognised by what they say they are. The brand is
 * checked by the compiler against the class.
 */
export function brandGuard<T extends Error>(brand: keyof T & `is${string}Error`): (e: unknown) => e is T {
  return (e: unknown): e is T => typeof e === 'object' && e !== null && (e as Record<PropertyKey, unknown>)[brand] === true;
}

/** `readonly is<Name>: true` and `readonly name: <Name>`: what every branded error says it is. */
export type Branded<N extends string> = Error & { readonly name: N } & { readonly [K in `is${N}`]: true };

/** The readonly fields named by `F`, each typed by the constructor argument at the same position in `A`. */
export type BrandedFields<F extends readonly string[], A extends readonly unknown[]> = {
  readonly [I in Extract<keyof F, `${number}`> as F[I] & string]: I extends keyof A ? A[I] : never;
};

/** What `describe` makes of the constructor's arguments: the message, or the message and ErrorOptions (a cause). */
export type ErrorText = string | readonly [message: string, options: ErrorOptions];

/**
 * The base class of a branded error, so that one is declared in a line or two:
 *
 *     export class DriveFaultError extends brandedError('DriveFaultError', ['alarmCode'], (_alarmCode: number, message: string) => message) {}
 *     export const isDriveFaultError = brandGuard<DriveFaultError>('isDriveFaultError');
 *
 * Its instances carry the fields, then the brand `is<name> = true`, then `name` as own properties
 * (as a class body with parameter properties and `readonly isXxxError = true; override readonly
 * name = 'XxxError'` did, run through tsx). The constructor takes the arguments of `describe`, keeps the first `fields.length` of them as readonly
 * fields of those names, in that order, and passes what `describe` returns to Error. Without fields
 * and `describe`, it takes Error's own arguments (message, options).
 */
export function brandedError<const N extends `${string}Error`>(name: N): new (message?: string, options?: ErrorOptions) => Branded<N>;
export function brandedError<const N extends `${string}Error`, const F extends readonly string[], A extends unknown[]>(
  name: N,
  fields: F,
  describe: (...args: A) => ErrorText,
): new (
  ...args: A
) => Branded<N> & BrandedFields<F, A>;
export function brandedError(
  name: string,
  fields: readonly string[] = [],
  describe: (...args: unknown[]) => ErrorText = (...args) => [args[0] as string, args[1] as ErrorOptions],
): unknown {
  const brand = `is${name}`;
  return class extends Error {
    constructor(...args: unknown[]) {
      const text = describe(...args);
      if (typeof text === 'string') super(text);
      else super(...text);
      const self = this as unknown as Record<string, unknown>;
      fields.forEach((field, i) => {
        self[field] = args[i];
      });
      self[brand] = true;
      self.name = name;
    }
  };
}
