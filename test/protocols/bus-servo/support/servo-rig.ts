import { BusScheduler } from '../../../../protocols/bus-scheduler.ts';
import { ServoBusMaster } from '../../../../protocols/bus-servo/servo-bus-master.ts';
import { rejectionOf, resolvedValue, settle } from '../../../support/settle.ts';
import { LX_FORMAT, STS_FORMAT } from '../../../../protocols/bus-servo/servo-frame.ts';
import { VirtualClock } from '../../../../src/common/virtual-clock.ts';
import { SimServer } from '../../../../sim/modbus/sim-server.ts';
import { SimulatedDrive } from '../../../../sim/simulated-drive.ts';
import { BITS_PROFILE } from '../../../sim/modbus/support/profiles.ts';
import { FakeSerialLine } from '../../support/fake-serial-line.ts';

/** A bus-servo line in memory on a virtual clock: a ServoBusMaster wired to a SimServer answering as `protocol` servos `ids`. */
export async function servoLine(protocol: 'lx' | 'sts', ids: readonly number[] = [1], { echo = false } = {}) {
  const clock = new VirtualClock();
  const masterEnd = new FakeSerialLine();
  const simEnd = new FakeSerialLine();
  masterEnd.onWrite = (bytes) => simEnd.receive(Uint8Array.from(bytes));
  simEnd.onWrite = (bytes) => masterEnd.receive(Uint8Array.from(bytes));
  const drives = new Map(
    ids.map((id) => [
      id,
      new SimulatedDrive({
        clock,
        name: `servo ${id}`,
        baseLatencyMs: 0,
        model: { maxSpeedMmPerS: 300, maxAccelMmPerS2: 3000, trackingTimeConstantMs: 5, initialPositionMm: 120 },
      }),
    ]),
  );
  const server = new SimServer({ clock, units: ids.map((unitId) => ({ unitId, drive: drives.get(unitId)!, profile: BITS_PROFILE })) });
  await server.attachBusServo({ path: 'sim', baudRate: 115_200, protocol, echo, openLink: simEnd.opener });
  const master = new ServoBusMaster({
    path: 'master',
    baudRate: 115_200,
    format: protocol === 'lx' ? LX_FORMAT : STS_FORMAT,
    clock,
    echo,
    slackMs: 5,
    openLink: masterEnd.opener,
  });
  await master.open();
  return { clock, master, server, drive: (id = ids[0]!) => drives.get(id)!, masterEnd, simEnd };
}

/** An LX servo line in memory (see servoLine). */
export const lxLine = (ids: readonly number[] = [1], options: { echo?: boolean } = {}) => servoLine('lx', ids, options);

/** A driver of servo 1 on a `protocol` line of servos 1 and 2, with helpers to settle its calls in virtual time. */
export async function servoDriverRig<D>(
  protocol: 'lx' | 'sts',
  makeDriver: (line: Awaited<ReturnType<typeof servoLine>>, scheduler: BusScheduler) => D,
) {
  const line = await servoLine(protocol, [1, 2]);
  const driver = makeDriver(line, new BusScheduler(line.clock, () => line.master.lineSettled()));
  const by = (ms = 40) => ({ deadlineMs: line.clock.now() + ms });
  const value = async <T>(call: Promise<T>): Promise<T> => resolvedValue(await settle(line.clock, call));
  const rejection = async (call: Promise<unknown>) => rejectionOf(await settle(line.clock, call)).error;
  return { ...line, driver, by, value, rejection };
}
