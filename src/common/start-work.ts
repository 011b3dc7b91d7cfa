/**
 * Starts `work(arg)` at once; a synchronous throw becomes its rejection. Without an extra turn of
 * the microtask queue (as an async wrapper would take), and without a closure per call: the bus
 * scheduler and each axis's exclusive queue start one piece of work per transaction.
 */
export function startWork<A, T>(work: (arg: A) => Promise<T>, arg: A): Promise<T> {
  try {
    return work(arg);
  } catch (error) {
    return Promise.reject(error);
  }
}
