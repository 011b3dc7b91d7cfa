import type { AxisDriver } from '../../drivers/contract.ts';
import { SimulatedDriver } from '../../drivers/simulated/simulated-driver.ts';
import type { DriveModelParams } from '../../sim/drive-model.ts';
import { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { defaultBreakerOptions } from '../../src/breaker/options.ts';
import type { VirtualClock } from '../../src/common/virtual-clock.ts';
import type { SupervisorEvent } from '../../src/events/events.ts';
import type { AxisSetup } from '../../src/supervisor/axis-setup.ts';
import { Supervisor, type SupervisorOptions } from '../../src/supervisor/supervisor.ts';

/** The drive of the supervisor tests: 100 mm/s, 1000 mm/s², a 10 ms tracking time constant. */
export const RIG_MODEL: DriveModelParams = { maxSpeedMmPerS: 100, maxAccelMmPerS2: 1000, trackingTimeConstantMs: 10 };

/** A simulated drive named `name` on `clock` (RIG_MODEL unless `model` says otherwise). */
export const rigDrive = (clock: VirtualClock, name: string, model: DriveModelParams = RIG_MODEL): SimulatedDrive =>
  new SimulatedDrive({ clock, name, model });

/** A SimulatedDriver over a fresh rigDrive; `drive` is there to inject faults into or to read. */
export function rigDriver(clock: VirtualClock, name: string, model?: DriveModelParams): { drive: SimulatedDrive; inner: SimulatedDriver } {
  const drive = rigDrive(clock, name, model);
  return { drive, inner: new SimulatedDriver(drive, clock) };
}

/**
 * One axis as the supervisor tests set it up: 0 to 100 mm at up to 100 mm/s, a 20 ms deadline per
 * call, in position within 0.05 mm, auto recovery, the default breaker, a 1 to 5 mm following-error
 * window over 40 ms, no fallback. `overrides` replace any of it.
 */
export function rigAxis(id: string, driver: AxisDriver, overrides: Partial<AxisSetup> = {}): AxisSetup {
  return {
    id,
    driver,
    limits: { minMm: 0, maxMm: 100, maxSpeedMmPerS: 100 },
    fallback: undefined,
    timeoutMs: 20,
    inPositionMm: 0.05,
    recovery: 'auto',
    breaker: defaultBreakerOptions,
    followingError: { minWindowMm: 1, maxWindowMm: 5, timeMs: 40 },
    ...overrides,
  };
}

/**
 * A supervisor (every 10 ms and without jobs unless `options` say otherwise), not yet started, with
 * every event it emits recorded in `events`.
 */
export function rigSupervisor(
  options: Omit<SupervisorOptions, 'periodMs' | 'jobs'> & Partial<Pick<SupervisorOptions, 'periodMs' | 'jobs'>>,
): { supervisor: Supervisor; events: SupervisorEvent[] } {
  const supervisor = new Supervisor({ periodMs: 10, jobs: [], ...options });
  const events: SupervisorEvent[] = [];
  supervisor.onEvent((e) => events.push(e));
  return { supervisor, events };
}
