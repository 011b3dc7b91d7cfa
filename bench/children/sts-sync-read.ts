import { performance } from 'node:perf_hooks';
import { StsServoDriver } from '../../drivers/bus-servo/sts-servo-driver.ts';
import { BusScheduler } from '../../protocols/bus-scheduler.ts';
import { ServoBusMaster } from '../../protocols/bus-servo/servo-bus-master.ts';
import { STS_FORMAT } from '../../protocols/bus-servo/servo-frame.ts';
import { STS_STATUS_BLOCK } from '../../protocols/bus-servo/sts-protocol.ts';
import { StsSyncReader } from '../../protocols/bus-servo/sts-sync-reader.ts';
import { SimServer } from '../../sim/modbus/sim-server.ts';
import { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { RealClock } from '../../src/common/clock.ts';
import { openPtyPair } from '../../test/protocols/support/pty-pair.ts';
import { BITS_PROFILE } from '../../test/sim/modbus/support/profiles.ts';
import { spread } from '../stats.ts';

/**
 * Child process, real time over a socat pty pair: `sts-sync-read.ts <servos> <sync|single> <baud>`.
 * `servos` Feetech STS servos served by the simulator's STS face (wire time modelled at `baud`), our
 * ServoBusMaster and one StsServoDriver per servo on the other end, all through one bus scheduler.
 * Polls every servo's status block (27 registers) as the supervision cycle does, all reads of a
 * cycle asked for at once: with `sync` through the line's StsSyncReader (one SYNC_READ a cycle),
 * with `single` one READ per servo. 50 warm-up cycles, then 400 measured, back to back.
 * Prints one JSON line: the poll cycle's wall time (all servos read) and the process's CPU per servo
 * read (master, drivers and the simulator together: one process).
 */
const [servosArg, mode, baudArg] = process.argv.slice(2);
const servos = Number(servosArg);
const baudRate = Number(baudArg);
if (!Number.isInteger(servos) || servos < 1 || (mode !== 'sync' && mode !== 'single') || !(baudRate > 0))
  throw new Error('usage: sts-sync-read.ts <servos> <sync|single> <baud>');

const WARMUP_CYCLES = 50;
const CYCLES = 400;
const DEADLINE_MS = 200;
const clock = new RealClock();
const pty = await openPtyPair();
const ids = Array.from({ length: servos }, (_, i) => i + 1);
const model = { maxSpeedMmPerS: 300, maxAccelMmPerS2: 3000, trackingTimeConstantMs: 5, initialPositionMm: 90 };
const server = new SimServer({
  clock,
  units: ids.map((unitId) => ({
    unitId,
    drive: new SimulatedDrive({ clock, name: `s${unitId}`, baseLatencyMs: 0, model }),
    profile: BITS_PROFILE,
  })),
});
await server.attachBusServo({ path: pty.pathB, baudRate, protocol: 'sts', wireTime: true });
const master = new ServoBusMaster({ path: pty.pathA, baudRate, format: STS_FORMAT, clock, slackMs: 20 });
await master.open();
const scheduler = new BusScheduler(clock, () => master.lineSettled());
const syncReader = mode === 'sync' ? new StsSyncReader(master, scheduler, clock, STS_STATUS_BLOCK) : undefined;
const drivers = ids.map(
  (servoId) => new StsServoDriver({ servoId, master, scheduler, clock, mmPerDegree: 1, ...(syncReader ? { syncReader } : {}) }),
);

let failures = 0;
const pollCycle = () =>
  Promise.all(
    drivers.map((driver) =>
      driver.readStatus({ deadlineMs: clock.now() + DEADLINE_MS }).catch(() => {
        failures++;
      }),
    ),
  );
for (let i = 0; i < WARMUP_CYCLES; i++) await pollCycle();
failures = 0;
const transactions0 = master.counters.transactions;
const cycleMs: number[] = [];
const cpu0 = process.cpuUsage();
for (let i = 0; i < CYCLES; i++) {
  const startMs = performance.now();
  await pollCycle();
  cycleMs.push(performance.now() - startMs);
}
const cpu = process.cpuUsage(cpu0);
const requests = master.counters.transactions - transactions0;
scheduler.close();
await master.close();
await server.close();
await pty.close();
process.stdout.write(
  `${JSON.stringify({
    servos,
    mode,
    baudRate,
    cycles: CYCLES,
    failures,
    requestsPerCycle: requests / CYCLES,
    cycleMs: spread(cycleMs),
    cycleMsMean: cycleMs.reduce((a, b) => a + b, 0) / CYCLES,
    cpuMsPerRead: (cpu.user + cpu.system) / 1000 / (CYCLES * servos),
  })}\n`,
);
