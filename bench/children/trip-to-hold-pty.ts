import { ModbusAxisDriver } from '../../drivers/modbus/index.ts';
import { BusScheduler } from '../../protocols/bus-scheduler.ts';
import { isModbusTimeoutError } from '../../protocols/errors.ts';
import type { ModbusRequest } from '../../protocols/pdu.ts';
import { loadDriveProfile } from '../../protocols/profile-schema.ts';
import { RtuMaster } from '../../protocols/rtu-master.ts';
import { SimServer } from '../../sim/modbus/sim-server.ts';
import type { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { RealClock } from '../../src/common/clock.ts';
import { simulatedDrive } from '../../src/compose/build-line.ts';
import type { Disposable } from '../../src/common/disposable.ts';
import type { AxisConfig } from '../../src/config/index.ts';
import { Supervisor } from '../../src/supervisor/supervisor.ts';
import { openPtyPair } from '../../test/protocols/support/pty-pair.ts';
import { measureTrial, type ErrorSample, type RequestFate, type TrialResult, type TripEvent } from './trip-to-hold-detect.ts';
import { GIVE_UP_MS, PTY_BUS, TRIP_RULE, isMoveUnderTest, printTrips, tripArgs, tripConfig } from './trip-to-hold-trial.ts';

/**
 * Child process: `trip-to-hold-pty.ts jam|silent <trials> <seed>`, the trip-to-hold trial (see
 * trip-to-hold-trial.ts) in real time: the supervisor and our RTU master on one end of a socat pty
 * pair, the simulator as RTU slave on the other (kpower-generic, 115200 baud 8E1, wire time
 * modelled), each trial with a fresh pty pair, drive and supervisor. Records per trial, in ms of
 * monotonic time (see trip-to-hold-detect.ts):
 * - `injectToHold`: injection until our master hands the hold request (a control-word write with the
 *   hold bit) to the serial port;
 * - `injectToDetectable`: injection until the trip condition is met. Jam: the following error, as
 *   the simulator samples it when a status read arrives, has been outside its window for timeMs.
 *   Silent: the deadline (as the master applies it) of the consecutiveFailures-th missed request in a row;
 * - `detectableToHold`: the difference: answer on the wire, timer and event-loop lag, the supervisor;
 * - silent also `firstMissToHold`: from the deadline of the first missed request of that run.
 * A trial that another trip got in first (or whose move never started) is counted as disturbed.
 */
const UNIT_ID = 1;
/** Power-up and re-sync take ~0.1 s: a trial whose move has not reached the drive within this (comm failures under CPU load) is disturbed. */
const START_LIMIT_MS = 2_000;

const { kind, delaysMs } = tripArgs('trip-to-hold-pty.ts');
const clock = new RealClock();
const profile = await loadDriveProfile('kpower-generic');
if (profile.control.style !== 'bits') throw new Error('kpower-generic is expected to have a bit-per-function control word');
const HOLD_BIT = 1 << profile.control.controlBits.hold;
const FOLLOWING_ERROR_ADDRESS = profile.registers.followingError.address;
const axis = tripConfig.axes[0]!;

const isHoldRequest = (request: ModbusRequest): boolean =>
  request.kind === 'writeSingleRegister' && request.address === profile.registers.controlWord.address && (request.value & HOLD_BIT) !== 0;

/** The simulator as RTU slave, noting the following error whenever a status read reaches the drive. */
class SampledSimServer extends SimServer {
  readonly samples: ErrorSample[] = [];

  override readHoldingRegisters(unitId: number, address: number, count: number) {
    if (address <= FOLLOWING_ERROR_ADDRESS && FOLLOWING_ERROR_ADDRESS < address + count) {
      this.samples.push({ atMs: clock.now(), errorMm: Math.abs(this.status(unitId).followingErrorMm) });
    }
    return super.readHoldingRegisters(unitId, address, count);
  }
}

/** The drive the virtual trial simulates, from the same axis config, made as buildLine makes it. */
function driveOf(config: AxisConfig): SimulatedDrive {
  if (config.driver.type !== 'simulated') throw new Error(`axis ${config.id} is expected to be simulated`);
  return simulatedDrive(config.id, config.driver, config.limits, clock);
}

async function trial(delayMs: number): Promise<TrialResult> {
  const pty = await openPtyPair();
  const drive = driveOf(axis);
  const server = new SampledSimServer({ clock, units: [{ unitId: UNIT_ID, drive, profile }] });
  await server.attachSerial({ path: pty.pathB, baudRate: PTY_BUS.baudRate, wireTime: true });
  const master = new RtuMaster({ path: pty.pathA, baudRate: PTY_BUS.baudRate, clock, slackMs: PTY_BUS.slackMs });
  await master.open();
  const driver = new ModbusAxisDriver({
    family: 'modbus-rtu',
    unitId: UNIT_ID,
    profile,
    master,
    scheduler: new BusScheduler(clock),
    clock,
    name: axis.id,
  });
  const supervisor = new Supervisor({
    clock,
    periodMs: tripConfig.cycle.periodMs,
    axes: [{ ...axis, timeoutMs: PTY_BUS.timeoutMs, driver }],
    jobs: tripConfig.jobs,
  });
  const fatal: unknown[] = [];
  supervisor.onFatal((error) => fatal.push(error));

  const trips: TripEvent[] = [];
  const requests: RequestFate[] = [];
  const timers: Disposable[] = [];
  const after = (inMs: number, callback: () => void) => timers.push(clock.setTimer(callback, inMs));
  let moveArrived = false;
  let injectedAtMs: number | undefined;
  let holdAtMs: number | undefined;
  const ended = new Promise<void>((end) => {
    after(START_LIMIT_MS, () => {
      if (!moveArrived) end();
    });
    drive.onRequest(({ request }) => {
      if (!isMoveUnderTest(request) || moveArrived) return;
      moveArrived = true;
      after(delayMs, () => {
        injectedAtMs = clock.now();
        server.inject(UNIT_ID, { kind });
      });
      after(delayMs + GIVE_UP_MS, end);
    });
    supervisor.onEvent((e) => {
      if (e.type !== 'trip') return;
      trips.push(e);
      // Tripped by something else before the fault came: no hold will answer the fault.
      if (injectedAtMs === undefined) end();
    });
    master.onExchange(({ request, sentAtMs, dueAtMs, error }) => {
      requests.push({ dueAtMs, missed: isModbusTimeoutError(error) });
      if (injectedAtMs === undefined || holdAtMs !== undefined || sentAtMs < injectedAtMs || !isHoldRequest(request)) return;
      holdAtMs = sentAtMs;
      end();
    });
  });
  supervisor.start();
  await ended;
  for (const timer of timers) timer.dispose();
  await supervisor.stop('trial over');
  await master.close();
  await server.close();
  await pty.close();
  if (fatal.length > 0) throw new Error(`${fatal.length} internal errors, first: ${String(fatal[0])}`);
  if (injectedAtMs === undefined) return 'disturbed';
  return measureTrial(kind, { injectedAtMs, holdAtMs, samples: server.samples, requests, trips }, TRIP_RULE);
}

const results: TrialResult[] = [];
for (const delayMs of delaysMs) results.push(await trial(delayMs));
printTrips(kind, results);
