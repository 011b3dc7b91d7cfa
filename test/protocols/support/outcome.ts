/** Settles the promise's outcome without letting an expected rejection go unhandled. */
export const outcome = <T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> =>
  p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
