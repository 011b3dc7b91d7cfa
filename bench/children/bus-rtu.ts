import { performance } from 'node:perf_hooks';
import { ModbusAxisDriver } from '../../drivers/modbus/index.ts';
import { RtuMaster } from '../../protocols/rtu-master.ts';
import { BusScheduler } from '../../protocols/bus-scheduler.ts';
import { loadDriveProfile, statusBlockSpan } from '../../protocols/profile-schema.ts';
import { SimServer } from '../../sim/modbus/sim-server.ts';
import { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { defaultBreakerOptions } from '../../src/breaker/options.ts';
import { RealClock } from '../../src/common/clock.ts';
import { Supervisor } from '../../src/supervisor/supervisor.ts';
import { openPtyPair } from '../../test/protocols/support/pty-pair.ts';
import { spread } from '../stats.ts';

/**
 * Child process, real time over a socat pty pair, our RTU master on one end and the simulator's
 * RTU slave on the other (the kpower-generic profile, 115200 baud, even parity):
 * - `bus-rtu.ts throughput`: 2000 sequential status reads, no modelled wire time: what our software
 *   costs per transaction.
 * - `bus-rtu.ts isolation <dead 0|1> <breaker|naive>`: four drives on the bus, wire time modelled,
 *   polled every 20 ms; with dead=1 unit 4 goes silent after 1 s. `breaker` is the supervisor
 *   (the dead drive's breaker opens, it is only probed per cooldown); `naive` polls every drive
 *   every cycle. Measures how long each healthy drive's status read takes, submission to answer.
 * Prints one JSON line.
 */
const BAUD = 115_200;
/** Four status reads take ~20 ms of bus time here (3.5 ms on the wire + pty and OS latency each): 20 ms keeps the bus busy, not saturated. */
const PERIOD_MS = 20;
const FAULT_AT_MS = 1_000;
const TIMEOUT_MS = 60;
const clock = new RealClock();
const profile = await loadDriveProfile('kpower-generic');
const span = statusBlockSpan(profile.registers)!;
const pty = await openPtyPair();
const units = [1, 2, 3, 4];
const drives = units.map((unitId) => new SimulatedDrive({ clock, name: `u${unitId}`, model: { maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500, trackingTimeConstantMs: 15 } }));
const server = new SimServer({ clock, units: units.map((unitId, i) => ({ unitId, drive: drives[i]!, profile })) });
const [mode, deadArg, policy] = process.argv.slice(2);
await server.attachSerial({ path: pty.pathB, baudRate: BAUD, wireTime: mode !== 'throughput' });
const master = new RtuMaster({ path: pty.pathA, baudRate: BAUD, clock, slackMs: 20 });
await master.open();

async function throughput(): Promise<object> {
  const n = 2000;
  const perTx: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await master.readHoldingRegisters(1, span.address, span.count);
    perTx.push(performance.now() - t0);
  }
  const wallS = (performance.now() - started) / 1000;
  return { registers: span.count, transactions: n, perTransactionMs: spread(perTx), transactionsPerS: n / wallS };
}

async function isolation(dead: boolean, naive: boolean): Promise<object> {
  const scheduler = new BusScheduler(clock);
  const healthyLatency: number[] = [];
  let deadCalls = 0;
  const measureFromMs = 2_000;
  const drivers = units.map((unitId) => {
    const driver = new ModbusAxisDriver({ family: 'modbus-rtu', unitId, profile, master, scheduler, clock, name: `u${unitId}` });
    const readStatus = driver.readStatus.bind(driver);
    driver.readStatus = async (options) => {
      const t0 = clock.now();
      if (dead && unitId === 4 && t0 >= FAULT_AT_MS) deadCalls++;
      const status = await readStatus(options);
      if (!(dead && unitId === 4) && t0 >= measureFromMs) healthyLatency.push(clock.now() - t0);
      return status;
    };
    return driver;
  });
  if (dead) clock.setTimer(() => server.inject(4, { kind: 'silent' }), FAULT_AT_MS);
  const runMs = 8_000;
  if (naive) {
    // The loop a breaker replaces: every drive, every cycle, each bounded only by its own deadline.
    const busy = new Set<number>();
    const tick = setInterval(() => {
      drivers.forEach((driver, i) => {
        if (busy.has(i)) return;
        busy.add(i);
        void driver.readStatus({ deadlineMs: clock.now() + TIMEOUT_MS }).catch(() => undefined).finally(() => busy.delete(i));
      });
    }, PERIOD_MS);
    await clock.sleep(runMs);
    clearInterval(tick);
  } else {
    const supervisor = new Supervisor({
      clock,
      periodMs: PERIOD_MS,
      jobs: [],
      axes: drivers.map((driver, i) => ({
        id: `u${units[i]}`,
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
  return { dead, policy: naive ? 'naive' : 'breaker', periodMs: PERIOD_MS, windowS: (runMs - measureFromMs) / 1000, healthyReads: healthyLatency.length, healthyReadMs: spread(healthyLatency), deadDriveCallsAfterFault: deadCalls };
}

const result = mode === 'throughput' ? await throughput() : await isolation(deadArg === '1', policy === 'naive');
await master.close();
await server.close();
await pty.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
