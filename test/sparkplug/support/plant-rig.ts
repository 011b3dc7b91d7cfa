import { afterEach, beforeAll } from 'vitest';
import { RealClock } from '../../../src/common/clock.ts';
import { mosquittoGate, startMosquitto, type Broker } from '../../support/mosquitto.ts';
import { runSupervisor, type JsonEvent, type SupervisorProcess } from '../../support/supervisor-process.ts';
import { tempDirEach } from '../../support/temp-dir.ts';

export const gate = mosquittoGate();
const clock = new RealClock();

/** Waits (real time) until `done()`, failing with `what` after `withinMs`. */
export async function until(what: string, done: () => boolean, withinMs = 15_000): Promise<void> {
  for (const startMs = clock.now(); !done(); await clock.sleep(20))
    if (clock.now() - startMs > withinMs) throw new Error(`not within ${withinMs} ms: ${what}`);
}

export const eventsOf = (run: SupervisorProcess, type: string): JsonEvent[] => run.events.filter((e) => e.type === type);

/**
 * For a describe block gated by `describe.skipIf(gate.skip)`: a temp folder per test, and what each
 * test starts (brokers, supervisors, anything given to `cleanup`) ended after it, newest first.
 */
export function plantRigEach(prefix: string) {
  beforeAll(() => gate.assertPresent());
  const dir = tempDirEach(prefix);
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const cleanup = (step: () => unknown) => cleanups.push(step);
  return {
    dir,
    cleanup,
    /** A Mosquitto of this test's own, on loopback. */
    broker: async (): Promise<Broker> => {
      const b = await startMosquitto(dir());
      cleanup(() => b.stop());
      return b;
    },
    /** `axisguard run <config> --json <args>`, killed after the test if still running. */
    supervise: (config: string, args: readonly string[]): SupervisorProcess => {
      const run = runSupervisor(config, args);
      cleanup(() => run.child.exitCode === null && run.child.kill('SIGKILL'));
      return run;
    },
  };
}
