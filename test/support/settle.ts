import type { VirtualClock } from '../../src/common/virtual-clock.ts';

export type Outcome<T> = { ok: true; value: T; atMs: number } | { ok: false; error: unknown; atMs: number };

/** Runs the virtual clock until `call` settles; returns how and when. */
export async function settle<T>(clock: VirtualClock, call: Promise<T>): Promise<Outcome<T>> {
  let outcome: Outcome<T> | undefined;
  void call.then(
    (value) => (outcome = { ok: true, value, atMs: clock.now() }),
    (error: unknown) => (outcome = { ok: false, error, atMs: clock.now() }),
  );
  await clock.runUntil(() => outcome !== undefined);
  if (!outcome) throw new Error('call never settled');
  return outcome;
}
