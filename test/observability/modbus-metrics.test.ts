import { get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/common/clock.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { buildLine, type BuiltLine } from '../../src/compose/build-line.ts';
import { loadProfiles } from '../../src/compose/modbus-axes.ts';
import { TimedMaster, type BusTransaction } from '../../src/compose/timed-master.ts';
import { parseConfig } from '../../src/config/index.ts';
import { observeLine, type ObservedLine } from '../../src/observability/index.ts';
import { loadDriveProfile } from '../../protocols/profile-schema.ts';
import { SimServer } from '../../sim/modbus/sim-server.ts';
import { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { FakeModbusMaster } from '../drivers/modbus/support/fake-master.ts';
import { httpGet, sampleValue } from './support/scrape.ts';
import type { SupervisorEvent } from '../../src/events/events.ts';

describe('TimedMaster', () => {
  it('reports each call with its duration on the clock and whether it failed', async () => {
    const clock = new VirtualClock();
    const fake = new FakeModbusMaster(
      clock,
      { unitIds: () => [1], readHoldingRegisters: (_u, _a, count) => new Array<number>(count).fill(7), writeRegisters: () => undefined },
      3,
    );
    fake.faultFor = (t) => (t.address === 99 ? { kind: 'silent' } : undefined);
    const timed = new TimedMaster(fake, 'rs485', clock);
    const seen: BusTransaction[] = [];
    timed.onTransaction((t) => seen.push(t));
    const read = timed.readHoldingRegisters(1, 0, 2);
    await clock.advanceBy(3);
    await expect(read).resolves.toEqual([7, 7]);
    const lost = timed.writeSingleRegister(1, 99, 1, { deadlineMs: clock.now() + 20 });
    const failed = expect(lost).rejects.toThrow(/no answer/);
    await clock.advanceBy(20);
    await failed;
    expect(seen).toEqual([
      { bus: 'rs485', durationMs: 3, ok: true },
      { bus: 'rs485', durationMs: 20, ok: false },
    ]);
    expect(timed.counters).toEqual(fake.counters);
  });
});

describe('Modbus metrics of a line against the simulator as a TCP slave', () => {
  let teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of teardown.reverse()) await step();
    teardown = [];
  });

  it('observes transaction latencies and reads the transport and scheduler counters per bus', async () => {
    const clock = new RealClock();
    const drive = new SimulatedDrive({
      clock,
      name: 'unit 1',
      baseLatencyMs: 0,
      model: { maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500, trackingTimeConstantMs: 5, initialPositionMm: 0 },
    });
    const server = new SimServer({ clock, units: [{ unitId: 1, drive, profile: await loadDriveProfile('kpower-generic') }] });
    teardown.push(() => server.close());
    const endpoint = await server.attachTcp({ port: 0 });
    if (endpoint.kind !== 'tcp') throw new Error('expected a TCP endpoint');
    const config = parseConfig(lineYaml(endpoint.port), 't.yaml');
    const line: BuiltLine = buildLine(config, clock, await loadProfiles(config, '.'));
    teardown.push(() => line.close());
    const observed: ObservedLine = await observeLine({
      config: { host: '127.0.0.1', port: 0 },
      periodMs: 10,
      supervisor: line.supervisor,
      buses: line.buses,
      journal: undefined,
      version: '0.0.0-test',
    });
    teardown.push(() => observed.close());
    const events: SupervisorEvent[] = [];
    line.supervisor.onEvent((e) => events.push(e));
    await line.openBuses();
    line.supervisor.start();
    teardown.push(() => line.supervisor.stop('test over'));
    while (!events.some((e) => e.type === 'job_done')) await clock.sleep(20);

    const text = (await httpGet(observed.metricsUrl)).body;
    const ok = sampleValue(text, 'axisguard_modbus_transaction_duration_seconds_count', { bus: 'gw', outcome: 'ok' }) ?? 0;
    expect(ok).toBeGreaterThan(10);
    // Localhost TCP answers well within the top bucket (100 ms).
    expect(sampleValue(text, 'axisguard_modbus_transaction_duration_seconds_bucket', { bus: 'gw', outcome: 'ok', le: '0.1' })).toBe(ok);
    expect(sampleValue(text, 'axisguard_modbus_transactions_total', { bus: 'gw' })).toBeGreaterThanOrEqual(ok);
    expect(sampleValue(text, 'axisguard_modbus_errors_total', { bus: 'gw', kind: 'timeout' })).toBe(0);
    expect(sampleValue(text, 'axisguard_modbus_errors_total', { bus: 'gw', kind: 'crc' })).toBe(0);
    expect(sampleValue(text, 'axisguard_bus_queue_started_total', { bus: 'gw', priority: 'poll' })).toBeGreaterThan(5);
    expect(sampleValue(text, 'axisguard_bus_queue_started_total', { bus: 'gw', priority: 'command' })).toBeGreaterThan(0);
    expect(sampleValue(text, 'axisguard_bus_queue_wait_seconds_total', { bus: 'gw', priority: 'poll' })).toBeGreaterThanOrEqual(0);
    expect(sampleValue(text, 'axisguard_bus_queue_wait_max_seconds', { bus: 'gw', priority: 'poll' })).toBeLessThan(0.06);

    // The live page's stream carries the bus's health too.
    const frame = await firstFrame(observed.metricsUrl.replace(/\/metrics$/, '/events'));
    expect(frame.buses).toEqual([expect.objectContaining({ id: 'gw', calls: expect.objectContaining({ timeouts: 0, badAnswers: 0 }) })]);
    expect(frame.buses[0]!.calls.total).toBeGreaterThan(10);
  });
});

/** The first frame a page gets from `url` (/events). */
function firstFrame(url: string): Promise<{ buses: { id: string; calls: { total: number } }[] }> {
  return new Promise((resolve) =>
    get(url, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        const data = /^data: (.*)$/m.exec(text);
        if (!data) return;
        response.destroy();
        resolve(JSON.parse(data[1]!) as { buses: { id: string; calls: { total: number } }[] });
      });
    }),
  );
}

function lineYaml(port: number): string {
  return [
    'cycle: { periodMs: 10 }',
    `buses: [{ id: gw, type: tcp, host: 127.0.0.1, port: ${port}, responseTimeoutMs: 50 }]`,
    'axes:',
    '  - { id: m1, driver: { type: modbus, bus: gw, unitId: 1 }, limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500 }, timeoutMs: 60 }',
    'jobs: [{ id: j1, axis: m1, moves: [{ positionMm: 20, speedMmPerS: 200 }] }]',
  ].join('\n');
}
