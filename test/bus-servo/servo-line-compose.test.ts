import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { StsServoDriver } from '../../drivers/bus-servo/sts-servo-driver.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { openServoLine, servoDriver } from '../../src/compose/servo-lines.ts';
import { BusSchema, type ServoLineConfig } from '../../src/config/bus-config.ts';
import { registerBusMetrics } from '../../src/observability/bus-metrics.ts';
import { SimServer } from '../../sim/modbus/sim-server.ts';
import { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { sampleValue } from '../observability/support/scrape.ts';
import { FakeSerialLine } from '../protocols/support/fake-serial-line.ts';
import { BITS_PROFILE } from '../sim/modbus/support/profiles.ts';
import { settle } from '../support/settle.ts';

/** An STS line as the composition root opens it from its config, its servos 1..3 served by the simulator in memory. */
async function composedStsLine(bus: Record<string, unknown>) {
  const clock = new VirtualClock();
  const masterEnd = new FakeSerialLine();
  const simEnd = new FakeSerialLine();
  masterEnd.onWrite = (bytes) => simEnd.receive(Uint8Array.from(bytes));
  simEnd.onWrite = (bytes) => masterEnd.receive(Uint8Array.from(bytes));
  const ids = [1, 2, 3];
  const model = { maxSpeedMmPerS: 300, maxAccelMmPerS2: 3000, trackingTimeConstantMs: 5, initialPositionMm: 90 };
  const units = ids.map((unitId) => ({
    unitId,
    drive: new SimulatedDrive({ clock, name: `servo ${unitId}`, baseLatencyMs: 0, model }),
    profile: BITS_PROFILE,
  }));
  const server = new SimServer({ clock, units });
  await server.attachBusServo({ path: 'sim', baudRate: 1_000_000, protocol: 'sts', openLink: simEnd.opener });
  const config = BusSchema.parse({ id: 'arm', type: 'sts', path: '/dev/ttyUSB0', ...bus }) as ServoLineConfig;
  const line = openServoLine(config, clock, masterEnd.opener);
  await line.start();
  const drivers = ids.map((servoId) =>
    servoDriver(
      { id: `j${servoId}`, retries: 0 },
      { type: 'sts-servo', bus: 'arm', servoId, mmPerDegree: 1, acceleration: 0 },
      line,
      clock,
    ),
  );
  const pollAll = () => settle(clock, Promise.all(drivers.map((d) => d.readStatus({ deadlineMs: clock.now() + 20 }))));
  return { clock, line, drivers, pollAll, masterEnd };
}

describe('an STS line as composed from its config', () => {
  it('polls with one SYNC_READ per cycle by default, and shows in the bus metrics under its id', async () => {
    const { line, drivers, pollAll } = await composedStsLine({});
    expect(drivers.every((d) => d instanceof StsServoDriver)).toBe(true);
    const registry = new Registry();
    const metrics = registerBusMetrics(registry, [line]);
    for (let cycle = 0; cycle < 5; cycle++) expect((await pollAll()).ok).toBe(true);
    expect(line.syncReader?.counters).toEqual({ exchanges: 5, reads: 15 });
    const text = await registry.metrics();
    expect(sampleValue(text, 'axisguard_modbus_transactions_total', { bus: 'arm' })).toBe(5);
    expect(sampleValue(text, 'axisguard_modbus_transaction_duration_seconds_count', { bus: 'arm', outcome: 'ok' })).toBe(5);
    expect(sampleValue(text, 'axisguard_modbus_errors_total', { bus: 'arm', kind: 'crc' })).toBe(0);
    expect(sampleValue(text, 'axisguard_bus_queue_started_total', { bus: 'arm', priority: 'poll' })).toBe(5);
    metrics.dispose();
    await line.close();
  });

  it('reads each servo with a READ of its own with syncRead: false', async () => {
    const { line, pollAll } = await composedStsLine({ syncRead: false });
    expect(line.syncReader).toBeUndefined();
    expect((await pollAll()).ok).toBe(true);
    expect(line.master.counters.transactions).toBe(3);
    await line.close();
  });
});
