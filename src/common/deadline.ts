import type { Clock } from './clock.ts';

/**
 * Races `work` against a deadline on `clock`. When the deadline passes first, the promise rejects with
 * `onTimeout()` and the late result of `work`, whenever it comes, is ignored (and its rejection
 * swallowed), so a late answer can never be taken for a newer one.
 */
export function withDeadline<T>(clock: Clock, work: Promise<T>, deadlineMs: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = clock.setTimer(() => {
      if (settled) return;
      settled = true;
      reject(onTimeout());
    }, deadlineMs - clock.now());
    work.then(
      (value) => {
        if (settled) return;
        settled = true;
        timer.dispose();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        timer.dispose();
        reject(error);
      },
    );
  });
}
