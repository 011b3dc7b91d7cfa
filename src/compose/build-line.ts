import { BoardPool, HobbyServoDriver, loadJohnnyFive } from '../../drivers/johnny-five/index.ts';
import { SimulatedDriver } from '../../drivers/simulated/simulated-driver.ts';
import { SimulatedDrive } from '../../sim/simulated-drive.ts';
import type { AxisDriver } from '../../drivers/contract.ts';
import { RealClock, type Clock } from '../common/clock.ts';
import { EventEmitter, type Event } from '../common/event.ts';
import { assertNever } from '../common/never.ts';
import type { AxisConfig, Config, SimulatedDriverConfig } from '../config/index.ts';
import type { AxisSetup } from '../supervisor/axis-setup.ts';
import { Supervisor } from '../supervisor/supervisor.ts';
import { processCpuMs } from '../realtime/process-cpu.ts';
import { isModbusBusConfig, openBus, type Bus } from './buses.ts';
import { openServoLine, servoDriver, type ServoLine } from './servo-lines.ts';
import { modbusDriver, type ProfileTable } from './modbus-axes.ts';
import type { BusEvent } from '../events/events.ts';
import type { ObservedBus } from '../observability/bus-metrics.ts';

/** What a simulated drive's answer may take beyond its latency and jitter before a retry no longer fits, ms. */
const SIM_SLACK_MS = 2;

/** A line wired up and ready to start, with handles on its simulated drives (for fault injection). */
export interface BuiltLine {
  readonly supervisor: Supervisor;
  /** Simulated drives by axis id; empty for a line of real drives only. */
  readonly simulators: ReadonlyMap<string, SimulatedDrive>;
  /** Connection changes of the buses (Modbus and bus-servo lines). */
  readonly onBusEvent: Event<BusEvent>;
  /** The buses (Modbus and bus-servo lines), to read their counters and transaction timings (metrics, live page); empty without buses. */
  readonly buses: readonly ObservedBus[];
  /**
   * Opens every bus (first attempt each) and every hobby-servo board (loading johnny-five only then;
   * rejects with JohnnyFiveUnavailableError when it is not installed); call before the supervisor starts.
   */
  openBuses(): Promise<void>;
  /** Releases every driver and bus (ports, sockets). */
  close(): Promise<void>;
}

/** Wraps an axis's driver before the supervisor gets it (e.g. `axisguard bench` records every call). */
export type DriverDecorator = (axisId: string, driver: AxisDriver) => AxisDriver;

/** The simulated drive a `type: simulated` axis stands for: its driver options, its limits as the motion model's. */
export function simulatedDrive(axisId: string, driver: SimulatedDriverConfig, limits: AxisConfig['limits'], clock: Clock): SimulatedDrive {
  return new SimulatedDrive({
    clock,
    name: axisId,
    seed: driver.seed,
    baseLatencyMs: driver.latencyMs,
    jitterMs: driver.jitterMs,
    model: {
      maxSpeedMmPerS: limits.maxSpeedMmPerS,
      maxAccelMmPerS2: limits.maxAccelMmPerS2,
      trackingTimeConstantMs: driver.trackingTimeConstantMs,
      initialPositionMm: driver.initialPositionMm,
    },
  });
}

/**
 * The composition root: the only place that knows concrete drivers, buses and the simulator.
 * Everything past this point sees AxisDriver alone. `profiles` holds the drive profiles the config's
 * Modbus axes name (see loadLine, which also checks them against the buses); a line of simulated
 * axes needs none. `decorate` wraps each driver; by default none is.
 */
export function buildLine(
  config: Config,
  clock: Clock,
  profiles: ProfileTable = new Map(),
  decorate: DriverDecorator = (_axisId, driver) => driver,
): BuiltLine {
  const busEvents = new EventEmitter<BusEvent>();
  const buses = new Map<string, Bus>(config.buses.filter(isModbusBusConfig).map((b) => [b.id, openBus(b, clock)]));
  const servoLines = new Map<string, ServoLine>(
    config.buses.flatMap((b) => (b.type === 'lx' || b.type === 'sts' ? [[b.id, openServoLine(b, clock)] as const] : [])),
  );
  for (const bus of [...buses.values(), ...servoLines.values()]) bus.onEvent((e) => busEvents.emit(e));
  const simulators = new Map<string, SimulatedDrive>();
  // Loads nothing until openBuses(), and nothing at all when no axis asks for a board.
  const boards = new BoardPool(clock, loadJohnnyFive);

  const makeDriver = (axis: AxisConfig): AxisDriver => {
    const driver = axis.driver;
    switch (driver.type) {
      case 'simulated': {
        const drive = simulatedDrive(axis.id, driver, axis.limits, clock);
        simulators.set(axis.id, drive);
        // A retried read must fit the drive's answer time, its jitter and a little slack before the deadline.
        return new SimulatedDriver(drive, clock, { maxRetries: axis.retries, budgetMs: driver.latencyMs + driver.jitterMs + SIM_SLACK_MS });
      }
      case 'modbus': {
        // The config's cross-checks guarantee the bus; loadProfiles, the profile.
        const bus = buses.get(driver.bus);
        const profile = profiles.get(driver.profile);
        if (!bus || !profile) throw new Error(`axis '${axis.id}': bus '${driver.bus}' or profile '${driver.profile}' was not prepared`);
        return modbusDriver(axis, driver, bus, profile, clock);
      }
      case 'lx-servo':
      case 'sts-servo': {
        const line = servoLines.get(driver.bus);
        if (!line) throw new Error(`axis '${axis.id}': servo line '${driver.bus}' was not prepared`);
        return servoDriver(axis, driver, line, clock);
      }
      case 'johnny-five':
        return new HobbyServoDriver({ servo: driver, board: boards.link(driver.port), clock, name: axis.id });
      default:
        return assertNever(driver, 'driver type');
    }
  };
  const setups: AxisSetup[] = config.axes.map((axis) => ({
    id: axis.id,
    driver: decorate(axis.id, makeDriver(axis)),
    limits: axis.limits,
    fallback: axis.fallback,
    timeoutMs: axis.timeoutMs,
    inPositionMm: axis.inPositionMm,
    recovery: axis.recovery,
    onLatchedTrip: axis.onLatchedTrip,
    breaker: axis.breaker,
    followingError: axis.followingError,
    downgrade: axis.downgrade,
    watch: config.degradation,
  }));
  const supervisor = new Supervisor({
    clock,
    periodMs: config.cycle.periodMs,
    warmupMs: config.cycle.warmupMs,
    axes: setups,
    jobs: config.jobs,
    // In real time only: in virtual time the process's CPU says nothing of a late timer.
    processCpuMs: clock instanceof RealClock ? processCpuMs : undefined,
  });
  // A reopened port: its axes probe at once, rather than after a cooldown that backed off while it was gone.
  busEvents.event((e) => {
    if (e.state === 'open') supervisor.probeSoon(config.axes.filter((a) => 'bus' in a.driver && a.driver.bus === e.bus).map((a) => a.id));
  });
  return {
    supervisor,
    simulators,
    onBusEvent: busEvents.event,
    buses: [...buses.values(), ...servoLines.values()],
    openBuses: async () => {
      await Promise.all([...buses.values(), ...servoLines.values()].map((bus) => bus.start()));
      await boards.open();
    },
    close: async () => {
      await Promise.all(setups.map((s) => s.driver.close()));
      await Promise.all([...buses.values(), ...servoLines.values()].map((bus) => bus.close()));
      await boards.close();
    },
  };
}

/** The line needs an optional package that is not installed (johnny-five for hobby servos). */
export { isJohnnyFiveUnavailableError as isMissingOptionalDriver } from '../../drivers/johnny-five/index.ts';
