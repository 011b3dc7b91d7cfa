import { disposableOnce, type Disposable } from './disposable.ts';

/** Subscribe with a listener; the returned Disposable unsubscribes. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/**
 * A typed event source. The owner keeps the emitter private and exposes `event`.
 * Emitting with no listeners costs one length check, so hot paths may emit freely.
 */
export class EventEmitter<T> {
  private listeners: Array<(value: T) => void> = [];

  readonly event: Event<T> = (listener) => {
    this.listeners = [...this.listeners, listener];
    return disposableOnce(() => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    });
  };

  get hasListeners(): boolean {
    return this.listeners.length > 0;
  }

  emit(value: T): void {
    // Iterate a snapshot: a listener that unsubscribes itself must not skip its neighbour.
    for (const listener of this.listeners) listener(value);
  }
}
