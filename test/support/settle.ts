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

/** The value a settled call resolved with; throws its error otherwise. */
export function resolvedValue<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/** The error a settled call rejected with, and when; fails when it resolved. */
export function rejectionOf(outcome: Outcome<unknown>): { error: unknown; atMs: number } {
  if (outcome.ok) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  return outcome;
}
