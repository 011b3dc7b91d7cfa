import { SimulatedDriver } from '../../drivers/simulated/simulated-driver.ts';
import { SimulatedDrive } from '../../sim/simulated-drive.ts';
import type { AxisDriver } from '../../drivers/contract.ts';
import type { Clock } from '../common/clock.ts';
import { assertNever } from '../common/never.ts';
import type { AxisConfig, Config } from '../config/index.ts';
import type { AxisSetup } from '../supervisor/axis-setup.ts';
import { Supervisor } from '../supervisor/supervisor.ts';

/** A line wired up and ready to start, with handles on its simulated drives (for fault injection). */
export interface BuiltLine {
  readonly supervisor: Supervisor;
  /** Simulated drives by axis id; empty for a line of real drives only. */
  readonly simulators: ReadonlyMap<string, SimulatedDrive>;
  /** Releases every driver (ports, sockets). */
  close(): Promise<void>;
}

/**
 * The composition root: the only place that knows concrete drivers and the simulator. Everything
 * past this point sees AxisDriver alone.
 */
export function buildLine(config: Config, clock: Clock): BuiltLine {
  const simulators = new Map<string, SimulatedDrive>();
  const makeDriver = (axis: AxisConfig): AxisDriver => {
    const driver = axis.driver;
    switch (driver.type) {
      case 'simulated': {
        const drive = new SimulatedDrive({
          clock,
          name: axis.id,
          seed: driver.seed,
          baseLatencyMs: driver.latencyMs,
          jitterMs: driver.jitterMs,
          model: {
            maxSpeedMmPerS: axis.limits.maxSpeedMmPerS,
            maxAccelMmPerS2: axis.limits.maxAccelMmPerS2,
            trackingTimeConstantMs: driver.trackingTimeConstantMs,
            initialPositionMm: driver.initialPositionMm,
          },
        });
        simulators.set(axis.id, drive);
        return new SimulatedDriver(drive, clock);
      }
      default:
        return assertNever(driver.type, 'driver type');
    }
  };
  const setups: AxisSetup[] = config.axes.map((axis) => ({
    id: axis.id,
    driver: makeDriver(axis),
    limits: axis.limits,
    fallback: axis.fallback,
    timeoutMs: axis.timeoutMs,
    inPositionMm: axis.inPositionMm,
    recovery: axis.recovery,
    breaker: axis.breaker,
    followingError: axis.followingError,
  }));
  const supervisor = new Supervisor({ clock, periodMs: config.cycle.periodMs, axes: setups, jobs: config.jobs });
  return {
    supervisor,
    simulators,
    close: async () => {
      await Promise.all(setups.map((s) => s.driver.close()));
    },
  };
}
