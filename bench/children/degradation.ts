import { performance } from 'node:perf_hooks';
import { runDegradation } from '../figures/support/degradation-line.ts';
import type { SimulatedFault } from '../../src/config/index.ts';

/**
 * Child process for the degradation figure, in virtual time, one JSON line out:
 * - `lead <fault> <seeds>`: one axis shuttling, the slowly developing fault from minute 5; per seed,
 *   when `degraded` came and when the axis tripped.
 * - `soak <axes> <hours>`: healthy axes with the simulator's jitter; degraded events and trips.
 * - `retry <seeds> <minutes>`: a degrading link from minute 5, the whole time through, with 1 retry
 *   and with none; trips of each.
 */
const MIN = 60_000;
const FAULT_AT_MS = 5 * MIN;

export const SLOW_FAULTS: Readonly<Record<string, SimulatedFault>> = {
  wear: { kind: 'wear', lagGrowthPerMin: 0.1 },
  slowing_drive: { kind: 'slowing_drive', latencyMsPerMin: 1 },
  degrading_link: { kind: 'degrading_link', probabilityPerMin: 0.02 },
};

const [mode, a, b] = process.argv.slice(2);
const started = performance.now();
const wallS = () => (performance.now() - started) / 1000;

if (mode === 'lead') {
  const fault = SLOW_FAULTS[a ?? ''];
  if (!fault) throw new Error(`unknown fault '${a}'`);
  const runs = [];
  for (let seed = 1; seed <= Number(b); seed++) {
    const run = await runDegradation({ axes: 1, seed, fault, faultAtMs: FAULT_AT_MS, durationMs: 120 * MIN });
    runs.push({
      seed,
      degradedAtMs: run.degradedAtMs ?? null,
      signal: run.degradedSignal ?? null,
      tripAtMs: run.tripAtMs ?? null,
      tripReason: run.tripReason ?? null,
    });
  }
  process.stdout.write(`${JSON.stringify({ fault, faultAtMs: FAULT_AT_MS, runs, wallS: wallS() })}\n`);
} else if (mode === 'soak') {
  const axes = Number(a);
  const run = await runDegradation({ axes, seed: 101, durationMs: Number(b) * 60 * MIN });
  process.stdout.write(
    `${JSON.stringify({ axes, simulatedS: run.simulatedMs / 1000, degradedEvents: run.degradedEvents, trips: run.trips, wallS: wallS() })}\n`,
  );
} else if (mode === 'retry') {
  const fault = SLOW_FAULTS.degrading_link!;
  const durationMs = Number(b) * MIN;
  const runs = [];
  for (let seed = 1; seed <= Number(a); seed++) {
    const trips = async (retries: number) => {
      const run = await runDegradation({ axes: 1, seed, fault, faultAtMs: FAULT_AT_MS, durationMs, retries, throughTrips: true });
      return { trips: run.trips, firstTripAtMs: run.tripAtMs ?? null };
    };
    runs.push({ seed, withRetry: await trips(1), without: await trips(0) });
  }
  process.stdout.write(`${JSON.stringify({ fault, faultAtMs: FAULT_AT_MS, durationMs, runs, wallS: wallS() })}\n`);
} else {
  throw new Error(`usage: degradation.ts lead <fault> <seeds> | soak <axes> <hours> | retry <seeds> <minutes>, got '${mode}'`);
}
