import { performance } from 'node:perf_hooks';
import { ModbusAxisDriver } from '../../drivers/modbus/index.ts';
import { isModbusTimeoutError } from '../../protocols/errors.ts';
import { RtuMaster } from '../../protocols/rtu-master.ts';
import { BusScheduler } from '../../protocols/bus-scheduler.ts';
import { loadDriveProfile, statusBlockSpan } from '../../protocols/profile-schema.ts';
import { SimServer } from '../../sim/modbus/sim-server.ts';
import { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { defaultBreakerOptions } from '../../src/breaker/options.ts';
import { RealClock } from '../../src/common/clock.ts';
import { Supervisor } from '../../src/supervisor/supervisor.ts';
import { openPtyPair, type PtyPair } from '../../test/protocols/support/pty-pair.ts';
import { spread } from '../stats.ts';

/**
 * Child process, real time over socat pty pairs, our RTU master on one end and the simulator's
 * RTU slave on the other (the kpower-generic profile, 115200 baud, even parity):
 * - `bus-rtu.ts throughput`: 2000 sequential status reads, no modelled wire time: what our software
 *   costs per transaction (a lost answer is counted, not timed).
 * - `bus-rtu.ts isolation <drives> <dead> <breaker|naive> <periodMs> [other-bus]`: `drives` drives
 *   on one bus, wire time modelled, polled every `periodMs`; the last `dead` of them go silent after
 *   1 s. With `other-bus`, all `drives` stay healthy and the `dead` drives sit on a second bus (a
 *   second pty pair) polled by the same supervisor. `breaker` is the supervisor (a dead drive's
 *   breaker opens, it is only probed per cooldown); `naive` polls every drive every cycle. Measures
 *   how long each healthy drive's status read takes, submission to answer.
 * - `bus-rtu.ts scale <drives>`: `drives` drives on one bus, wire time modelled, each read back to
 *   back for 3 s through the shared bus scheduler: transactions per second and the process's CPU
 *   time (master, scheduler and simulated slave together) per transaction.
 * Prints one JSON line.
 */
const BAUD = 115_200;
const FAULT_AT_MS = 1_000;
const TIMEOUT_MS = 60;
/**
 * Back-to-back reads queue behind every other drive on the bus (about 5 ms a transaction at 115200
 * with wire time): a deadline well above N transactions, so the figure measures cost, not timeouts.
 */
const scaleTimeoutMs = (drives: number): number => Math.max(200, drives * 15);
const clock = new RealClock();
const profile = await loadDriveProfile('kpower-generic');
const span = statusBlockSpan(profile.registers)!;

/** One RTU bus: a pty pair, the simulator as slave for `unitIds` on one end, our master on the other. */
interface Bus {
  readonly pty: PtyPair;
  readonly server: SimServer;
  readonly master: RtuMaster;
  readonly scheduler: BusScheduler;
  readonly unitIds: readonly number[];
}

async function openBus(unitIds: readonly number[], wireTime: boolean): Promise<Bus> {
  const pty = await openPtyPair();
  const drives = unitIds.map(
    (unitId) =>
      new SimulatedDrive({ clock, name: `u${unitId}`, model: { maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500, trackingTimeConstantMs: 15 } }),
  );
  const server = new SimServer({ clock, units: unitIds.map((unitId, i) => ({ unitId, drive: drives[i]!, profile })) });
  await server.attachSerial({ path: pty.pathB, baudRate: BAUD, wireTime });
  const master = new RtuMaster({ path: pty.pathA, baudRate: BAUD, clock, slackMs: 20 });
  await master.open();
  return { pty, server, master, scheduler: new BusScheduler(clock), unitIds };
}

async function closeBus(bus: Bus): Promise<void> {
  await bus.master.close();
  await bus.server.close();
  await bus.pty.close();
}

const unitRange = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const driverFor = (bus: Bus, unitId: number) =>
  new ModbusAxisDriver({ family: 'modbus-rtu', unitId, profile, master: bus.master, scheduler: bus.scheduler, clock, name: `u${unitId}` });

async function throughput(): Promise<object> {
  const bus = await openBus([1], false);
  const n = 2000;
  const perTx: number[] = [];
  let lost = 0;
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    // A lost answer (seen now and then over the pty under load) is counted, not timed: it costs its deadline.
    const ok = await bus.master.readHoldingRegisters(1, span.address, span.count).then(
      () => true,
      (error: unknown) => {
        if (!isModbusTimeoutError(error)) throw error;
        return false;
      },
    );
    if (ok) perTx.push(performance.now() - t0);
    else lost++;
  }
  const wallS = (performance.now() - started) / 1000;
  await closeBus(bus);
  return {
    registers: span.count,
    transactions: perTx.length,
    lost,
    perTransactionMs: spread(perTx),
    transactionsPerS: perTx.length / wallS,
  };
}

async function isolation(driveCount: number, deadCount: number, naive: boolean, periodMs: number, otherBus: boolean): Promise<object> {
  const main = await openBus(unitRange(1, driveCount), true);
  const buses = otherBus && deadCount > 0 ? [main, await openBus(unitRange(driveCount + 1, deadCount), true)] : [main];
  // The dead units: the last `deadCount` on the main bus, or every unit on the other bus.
  const dead = new Set(otherBus ? (buses[1]?.unitIds ?? []) : main.unitIds.slice(driveCount - deadCount));
  const healthyLatency: number[] = [];
  let deadCalls = 0;
  const measureFromMs = 2_000;
  const drivers = buses.flatMap((bus) =>
    bus.unitIds.map((unitId) => {
      const driver = driverFor(bus, unitId);
      const readStatus = driver.readStatus.bind(driver);
      driver.readStatus = async (options) => {
        const t0 = clock.now();
        if (dead.has(unitId) && t0 >= FAULT_AT_MS) deadCalls++;
        const status = await readStatus(options);
        if (!dead.has(unitId) && t0 >= measureFromMs) healthyLatency.push(clock.now() - t0);
        return status;
      };
      return { unitId, driver };
    }),
  );
  for (const bus of buses)
    for (const unitId of bus.unitIds)
      if (dead.has(unitId)) clock.setTimer(() => bus.server.inject(unitId, { kind: 'silent' }), FAULT_AT_MS);
  const runMs = 8_000;
  if (naive) {
    // The loop a breaker replaces: every drive, every cycle, each bounded only by its own deadline.
    const busy = new Set<number>();
    const tick = setInterval(() => {
      for (const { unitId, driver } of drivers) {
        if (busy.has(unitId)) continue;
        busy.add(unitId);
        void driver
          .readStatus({ deadlineMs: clock.now() + TIMEOUT_MS })
          .catch(() => undefined)
          .finally(() => busy.delete(unitId));
      }
    }, periodMs);
    await clock.sleep(runMs);
    clearInterval(tick);
  } else {
    const supervisor = new Supervisor({
      clock,
      periodMs,
      jobs: [],
      axes: drivers.map(({ unitId, driver }) => ({
        id: `u${unitId}`,
        driver,
        limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300 },
        fallback: undefined,
        timeoutMs: TIMEOUT_MS,
        inPositionMm: 0.05,
        recovery: 'auto' as const,
        breaker: defaultBreakerOptions,
        followingError: { minWindowMm: 1, maxWindowMm: 10, timeMs: 40 },
      })),
    });
    supervisor.start();
    await clock.sleep(runMs);
    await supervisor.stop('bench over');
  }
  await clock.sleep(100);
  await Promise.all(buses.map(closeBus));
  return {
    drives: driveCount,
    dead: deadCount,
    otherBus,
    policy: naive ? 'naive' : 'breaker',
    periodMs,
    windowS: (runMs - measureFromMs) / 1000,
    healthyReads: healthyLatency.length,
    healthyReadMs: spread(healthyLatency),
    deadDriveCallsAfterFault: deadCalls,
  };
}

async function scale(driveCount: number): Promise<object> {
  const bus = await openBus(unitRange(1, driveCount), true);
  const drivers = bus.unitIds.map((unitId) => driverFor(bus, unitId));
  const timeoutMs = scaleTimeoutMs(driveCount);
  const runMs = 3_000;
  const warmUpMs = 500;
  let transactions = 0;
  let failures = 0;
  let counting = false;
  let stopping = false;
  // One outstanding read per drive, back to back: the bus scheduler decides who goes next.
  const loops = drivers.map(async (driver) => {
    while (!stopping) {
      const ok = await driver.readStatus({ deadlineMs: clock.now() + timeoutMs }).then(
        () => true,
        () => false,
      );
      if (counting && ok) transactions++;
      else if (counting) failures++;
    }
  });
  await clock.sleep(warmUpMs);
  counting = true;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await clock.sleep(runMs);
  counting = false;
  const wallS = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  stopping = true;
  await Promise.all(loops);
  await closeBus(bus);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    drives: driveCount,
    timeoutMs,
    transactions,
    failures,
    wallS,
    transactionsPerS: transactions / wallS,
    cpuMsPerTransaction: cpuMs / transactions,
    cpuShare: cpuMs / 1000 / wallS,
  };
}

const [mode, ...args] = process.argv.slice(2);
const int = (text: string | undefined, name: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got '${text}'`);
  return value;
};
let result: object;
if (mode === 'throughput') result = await throughput();
else if (mode === 'isolation') {
  const [drives, dead, policy, periodMs, where] = args;
  if (policy !== 'breaker' && policy !== 'naive') throw new Error(`policy must be breaker|naive, got '${policy}'`);
  if (where !== undefined && where !== 'other-bus') throw new Error(`the fifth argument may only be 'other-bus', got '${where}'`);
  const driveCount = int(drives, 'drives');
  const deadCount = int(dead, 'dead');
  if (where === undefined && deadCount >= driveCount) throw new Error('dead must be fewer than drives');
  result = await isolation(driveCount, deadCount, policy === 'naive', int(periodMs, 'periodMs'), where === 'other-bus');
} else if (mode === 'scale') result = await scale(int(args[0], 'drives'));
else
  throw new Error(
    `usage: bus-rtu.ts throughput | isolation <drives> <dead> <breaker|naive> <periodMs> [other-bus] | scale <drives>, got '${mode}'`,
  );
process.stdout.write(`${JSON.stringify(result)}\n`);
