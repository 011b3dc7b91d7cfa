/** Attempts at most, the first included. */
const MAX_ATTEMPTS = 3;

/**
 * Runs `attempt` again, MAX_ATTEMPTS in all, while `inconclusive` finds a reason why its result says
 * nothing about what the test asks (the machine, not the code under test, disturbed the run). Every
 * rerun is said on stderr (`RERUN`) with that reason; `discard` ends what the rerun attempt left
 * running. The last attempt is returned whatever it shows, for the test's own assertions to judge.
 */
export async function rerunWhileInconclusive<T>(
  attempt: () => Promise<T>,
  inconclusive: (result: T) => string | undefined,
  discard: (result: T) => Promise<void> = async () => {},
): Promise<T> {
  for (let n = 1; ; n++) {
    const result = await attempt();
    const why = inconclusive(result);
    if (why === undefined || n === MAX_ATTEMPTS) return result;
    process.stderr.write(`RERUN (attempt ${n} of ${MAX_ATTEMPTS} inconclusive): ${why}\n`);
    await discard(result);
  }
}
