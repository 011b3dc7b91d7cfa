/** Something that holds a resource (a timer, a subscription, an isolation) until disposed. */
export interface Disposable {
  dispose(): void;
}

/** Disposes each of `items`, in order. */
export function disposeAll(items: Iterable<Disposable>): void {
  for (const item of items) item.dispose();
}

/** Wraps a release function so that calling dispose() more than once releases only once. */
export function disposableOnce(release: () => void): Disposable {
  let released = false;
  return {
    dispose() {
      if (released) return;
      released = true;
      release();
    },
  };
}
