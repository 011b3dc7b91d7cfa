import type { Clock } from './clock.ts';

/**
 * How late a deadline may be judged and still count as watched, ms. On a machine with CPU to spare a
 * Node timer fires within about 1 ms of its time (../shared measurements: idle gaps up to 4 ms are the
 * virtual machine's own). Judged later than this, the process itself was held up (a stall, its CPU
 * quota, a busy core, a virtual CPU descheduled) while the answer was due, and a missing answer says
 * nothing certain about the drive: measured at a quarter core, the serial path (pty, socat, the
 * simulator) was held up in the same moments, and such "timeouts" came in runs that tripped healthy
 * drives.
 */
export const WATCHED_WITHIN_MS = 2;

/**
 * Why a call that got no answer by `deadlineMs` is no verdict on the drive, or undefined when it is
 * one: the deadline was judged more than WATCHED_WITHIN_MS late, or the drive was not given its full
 * wire budget (`fullBudgetEndMs`: when the answer would have been due; the caller's deadline came
 * earlier, most often because the call waited for the bus, and a drive is judged only on a full budget).
 */
export function ownDelay(clock: Clock, deadlineMs: number, fullBudgetEndMs = deadlineMs): string | undefined {
  const lateMs = clock.now() - deadlineMs;
  if (lateMs > WATCHED_WITHIN_MS) return `judged ${lateMs.toFixed(0)} ms late: the supervisor was held up`;
  const cutMs = fullBudgetEndMs - deadlineMs;
  if (cutMs > WATCHED_WITHIN_MS) return `it had ${cutMs.toFixed(0)} ms less than its wire budget to answer`;
  return undefined;
}
