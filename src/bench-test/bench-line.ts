import type { AxisDriver, DriveStatus } from '../../drivers/contract.ts';
import { DriveCommError, isDriveCommError, isDriveFaultError } from '../../drivers/errors.ts';
import type { Clock } from '../common/clock.ts';
import { withDeadline } from '../common/deadline.ts';
import { buildLine, type BuiltLine } from '../compose/build-line.ts';
import type { ProfileTable } from '../compose/modbus-axes.ts';
import type { AxisConfig, Config } from '../config/index.ts';
import type { JobSpec } from '../line/job-board.ts';
import { onClock } from '../common/on-clock.ts';

/**
 * The line cut down to one axis: only its bus, no fallback, no fault schedule, no console, no
 * journal. The other axes of the config are not built, so nothing enables or polls them.
 */
function oneAxisConfig(config: Config, axis: AxisConfig, jobs: readonly JobSpec[]): Config {
  const driver = axis.driver;
  return {
    ...config,
    axes: [{ ...axis, fallback: undefined }],
    buses: config.buses.filter((bus) => 'bus' in driver && bus.id === driver.bus),
    jobs,
    simulation: { faults: [] },
    console: undefined,
    journal: undefined,
  };
}

/** A line of one axis built with `decorate`, and that axis's (decorated) driver. */
export function buildAxisLine<D extends AxisDriver>(
  config: Config,
  axis: AxisConfig,
  jobs: readonly JobSpec[],
  clock: Clock,
  profiles: ProfileTable,
  decorate: (axisId: string, inner: AxisDriver) => D,
): { line: BuiltLine; driver: D } {
  const drivers = new Map<string, D>();
  const line = buildLine(oneAxisConfig(config, axis, jobs), clock, profiles, (id, inner) => {
    const driver = decorate(id, inner);
    drivers.set(id, driver);
    return driver;
  });
  const driver = drivers.get(axis.id);
  if (!driver) throw new Error(`axis '${axis.id}' got no driver`);
  return { line, driver };
}

/** One status sample of an axis and its driver family. */
export interface AxisReading {
  readonly status: DriveStatus;
  readonly family: string;
}

/** One read-only status read of the axis, with its deadline; the line is built for it and closed after. */
export async function readAxisOnce(
  config: Config,
  axis: AxisConfig,
  clock: Clock,
  profiles: ProfileTable,
  onLine: (line: BuiltLine) => void,
): Promise<AxisReading> {
  const { line, driver } = buildAxisLine(config, axis, [], clock, profiles, (_id, inner) => inner);
  onLine(line);
  try {
    await onClock(clock, line.openBuses());
    const deadlineMs = clock.now() + axis.timeoutMs;
    const read = withDeadline(
      clock,
      driver.readStatus({ deadlineMs }),
      deadlineMs,
      () => new DriveCommError('timeout', `axis '${axis.id}': readStatus got no answer within ${axis.timeoutMs} ms`),
    );
    return { status: await onClock(clock, read), family: driver.family };
  } finally {
    await line.close();
  }
}

/** How long the bench keeps watching a held axis after the test, ms. */
const WATCH_AFTER_STOP_MS = 300;

/**
 * After the supervisor has held the axis: read-only status reads every `periodMs` until the drive
 * reports its profile stopped and its target reached, at most WATCH_AFTER_STOP_MS, so the record
 * shows the axis coming to rest under the hold. A failed read ends the watch; it never commands.
 */
export async function watchUntilStill(driver: AxisDriver, clock: Clock, timeoutMs: number, periodMs: number): Promise<void> {
  const untilMs = clock.now() + WATCH_AFTER_STOP_MS;
  while (clock.now() < untilMs) {
    const deadlineMs = clock.now() + timeoutMs;
    try {
      const status = await withDeadline(
        clock,
        driver.readStatus({ deadlineMs }),
        deadlineMs,
        () => new DriveCommError('timeout', 'no answer'),
      );
      if (!status.moving && status.targetReached) return;
    } catch (error) {
      if (isDriveCommError(error) || isDriveFaultError(error)) return;
      throw error;
    }
    await clock.sleep(periodMs);
  }
}
