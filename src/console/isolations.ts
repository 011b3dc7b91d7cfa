import type { Disposable } from '../common/disposable.ts';

/**
 * The isolation holds taken through the console, by axis and holder (`console:ana`). A hold outlives
 * the session that took it (an axis stays isolated when a terminal goes away: the safe side); the
 * same holder releases it later, from any session.
 */
export class ConsoleIsolations {
  private readonly holds = new Map<string, Disposable>();

  has(axis: string, holder: string): boolean {
    return this.holds.has(key(axis, holder));
  }

  add(axis: string, holder: string, hold: Disposable): void {
    this.holds.set(key(axis, holder), hold);
  }

  /** Releases `holder`'s hold on `axis`; false when it had none. */
  release(axis: string, holder: string): boolean {
    const hold = this.holds.get(key(axis, holder));
    if (!hold) return false;
    this.holds.delete(key(axis, holder));
    hold.dispose();
    return true;
  }
}

const key = (axis: string, holder: string): string => `${axis}\u0000${holder}`;
