/** Attempts at most, the first included. */
const MAX_ATTEMPTS = 3;

/** What rerunWhileInconclusive does with an attempt it runs again. */
export interface RerunHooks<T> {
  /** Ends what the attempt left running. */
  readonly discard?: (result: T) => Promise<void>;
  /** Hears each attempt that is run again, with its reason (never the last attempt, which is kept). */
  readonly onRerun?: (why: string, result: T) => void;
}

/**
 * Runs `attempt` again, MAX_ATTEMPTS in all, while `inconclusive` finds a reason why its result says
 * nothing about what the test asks (the machine, not the code under test, disturbed the run). Every
 * rerun is said on stderr (`RERUN`) with that reason and to `onRerun`; `discard` ends what the rerun
 * attempt left running. The last attempt is returned whatever it shows, for the test's own
 * assertions to judge.
 */
export async function rerunWhileInconclusive<T>(
  attempt: () => Promise<T>,
  inconclusive: (result: T) => string | undefined,
  { discard, onRerun }: RerunHooks<T> = {},
): Promise<T> {
  for (let n = 1; ; n++) {
    const result = await attempt();
    const why = inconclusive(result);
    if (why === undefined || n === MAX_ATTEMPTS) return result;
    process.stderr.write(`RERUN (attempt ${n} of ${MAX_ATTEMPTS} inconclusive): ${why}\n`);
    onRerun?.(why, result);
    await discard?.(result);
  }
}
