import { openSync, closeSync, writeSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadDriveProfile } from '../../../protocols/profile-schema.ts';
import type { DriveProfile } from '../../../protocols/drive-profile.ts';
import { seededRandom } from '../../../src/common/random.ts';
import { mbpoll, parseMbpollValues, requireTools } from '../../protocols/support/external-tools.ts';
import { openPtyPair, type PtyPair } from '../../protocols/support/pty-pair.ts';
import { int32Of } from './support/profiles.ts';
import { SimProcess } from './support/sim-process.ts';

const gate = requireTools('socat', 'mbpoll');
const tcpGate = requireTools('mbpoll');

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('axisguard sim: usage', () => {
  let sim: SimProcess | undefined;
  afterEach(async () => {
    await sim?.kill();
    sim = undefined;
  });

  it('exits 2 with a clear message when neither --serial nor --tcp is given', async () => {
    sim = new SimProcess(['--units', '1']);
    await expect(sim.exited()).resolves.toBe(2);
    expect(sim.stderr.join('\n')).toMatch(/give --serial PATH and\/or --tcp PORT/);
  });
});

describe.skipIf(gate.skip)('axisguard sim as a Modbus slave, read by mbpoll', () => {
  let profile: DriveProfile;
  let pair: PtyPair | undefined;
  let sim: SimProcess | undefined;
  let port: number;

  /** mbpoll over the pty: `count` registers from 0-based `address` of `unit`. */
  const rtuRead = (unit: number, address: number, count: number) => mbpoll({ device: pair!.pathA }, unit, address, { count });
  const tcpRead = (unit: number, address: number, count: number) => mbpoll({ tcpPort: port }, unit, address, { count });
  /** mbpoll prints registers as signed 16-bit; back to the unsigned words on the wire. */
  const words = (stdout: string) => parseMbpollValues(stdout).map((v) => v & 0xffff);

  beforeAll(async () => {
    gate.assertPresent();
    profile = await loadDriveProfile('kpower-generic');
  });

  beforeEach(async () => {
    pair = await openPtyPair();
    port = await freePort();
    sim = new SimProcess(['--serial', pair.pathB, '--tcp', String(port), '--units', '1,2']);
    await sim.waitForLine(/^sim: serving units 1,2 \(kpower-generic\) on .*ttyB at 115200 baud$/);
    await sim.waitForLine(new RegExp(`^sim: serving units 1,2 \\(kpower-generic\\) on tcp 127\\.0\\.0\\.1:${port}$`));
  });

  afterEach(async () => {
    await sim?.kill();
    await pair?.close();
    sim = pair = undefined;
  });

  it('answers with the power-up image of the profile: position 0, alarm 0, ready and target reached', async () => {
    const { statusWord, actualPosition, alarmCode } = profile.registers;
    if (profile.control.style !== 'bits') throw new Error('kpower-generic is a bits-style map');
    const { ready, targetReached } = profile.control.statusBits;
    const run = await rtuRead(2, 0, 13);
    expect(run.code).toBe(0);
    const image = words(run.stdout);
    expect(image).toHaveLength(13);
    expect(image[statusWord.address]).toBe((1 << ready) | (1 << targetReached));
    expect(int32Of(image.slice(actualPosition.address, actualPosition.address + 2), profile.wordOrder)).toBe(0);
    expect(image[alarmCode.address]).toBe(0);
  });

  it('does not answer a unit id it does not serve', async () => {
    const run = await rtuRead(3, 0, 2);
    expect(run.code).not.toBe(0);
    expect(sim!.running).toBe(true);
  });

  it('answers the same image over TCP', async () => {
    const [rtu, tcp] = [await rtuRead(1, 0, 13), await tcpRead(1, 0, 13)];
    expect(tcp.code).toBe(0);
    expect(words(tcp.stdout)).toEqual(words(rtu.stdout));
  });

  it('answers exception 2 (illegal data address) for an unmapped register', async () => {
    const run = await rtuRead(1, 0x0d, 1);
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/Illegal data address/i);
  });

  it('reports an alarm injected on stdin in the alarm register and the status word', async () => {
    sim!.send('inject 1 alarm 42');
    await sim!.waitForLine(/^unit 1: injected alarm 42$/);
    const run = await rtuRead(1, 0, 13);
    expect(run.code).toBe(0);
    const image = words(run.stdout);
    expect(image[profile.registers.alarmCode.address]).toBe(42);
    if (profile.control.style !== 'bits') throw new Error('kpower-generic is a bits-style map');
    expect(image[profile.registers.statusWord.address]! & (1 << profile.control.statusBits.alarm)).not.toBe(0);
    sim!.send('status 1');
    await expect(sim!.waitForLine(/^unit 1: position 0\.000 mm.*alarm 42; faults: alarm 42;/)).resolves.toBeDefined();
  });

  it('answers a bad console line with a one-line error saying what was expected', async () => {
    sim!.send('inject 1 dropout');
    await expect(sim!.waitForLine(/^sim: expected 'inject <unit> silent\|slow <ms>\|dropout <p>/, 5000, 'stderr')).resolves.toBeDefined();
    sim!.send('frobnicate');
    await expect(
      sim!.waitForLine(/^sim: unknown command 'frobnicate'; expected inject, clear, status or help$/, 5000, 'stderr'),
    ).resolves.toBeDefined();
    expect(sim!.running).toBe(true);
  });

  it('survives random bytes on the line and still answers afterwards', async () => {
    const random = seededRandom(7);
    const noise = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256)));
    const fd = openSync(pair!.pathA, 'w');
    try {
      writeSync(fd, noise);
    } finally {
      closeSync(fd);
    }
    const run = await rtuRead(2, 0, 2);
    expect(run.code).toBe(0);
    expect(words(run.stdout)).toHaveLength(2);
    expect(sim!.running).toBe(true);
  });

  it('closes its ports and exits 0 on SIGTERM and on SIGINT', async () => {
    await expect(sim!.stop('SIGTERM')).resolves.toBe(0);
    sim = new SimProcess(['--serial', pair!.pathB, '--units', '1']); // the port is free again
    await sim.waitForLine(/^sim: serving units 1 /);
    await expect(sim.stop('SIGINT')).resolves.toBe(0);
  });
});

describe.skipIf(tcpGate.skip)('axisguard sim --json over TCP', () => {
  let sim: SimProcess | undefined;

  beforeAll(() => tcpGate.assertPresent());

  afterEach(async () => {
    await sim?.kill();
    sim = undefined;
  });

  it('prints one JSON event per line: ready, commands applied, faults, and the comm-loss watchdog hold', async () => {
    const port = await freePort();
    sim = new SimProcess(['--tcp', String(port), '--units', '3', '--json']);
    const ready: unknown = JSON.parse(await sim.waitForLine(/"type":"ready"/));
    expect(ready).toEqual({ type: 'ready', endpoint: { kind: 'tcp', host: '127.0.0.1', port }, units: [3], profile: 'kpower-generic' });
    const write = (address: number, value: number) => mbpoll({ tcpPort: port }, 3, address, { values: [value] });
    await expect(write(0x10, 100)).resolves.toMatchObject({ code: 0 }); // comm-loss timeout 100 ms
    await expect(write(0x00, 1)).resolves.toMatchObject({ code: 0 }); // enable, then silence
    const hold = JSON.parse(await sim.waitForLine(/"type":"watchdog_hold"/, 5000)) as Record<string, unknown>;
    expect(hold).toMatchObject({ unitId: 3, timeoutMs: 100 });
    expect(hold.silentForMs).toBeGreaterThanOrEqual(100);
    await sim.waitForLine(/"type":"command".*"op":"hold"/);
    const commands = sim.stdout.map((line) => JSON.parse(line) as Record<string, unknown>).filter((e) => e.type === 'command');
    expect(commands).toEqual([
      expect.objectContaining({ unitId: 3, request: { op: 'enable' }, outcome: 'applied' }),
      expect.objectContaining({ unitId: 3, request: { op: 'hold' }, outcome: 'applied' }),
    ]);
    sim.send('inject 3 slow 20');
    await expect(sim.waitForLine(/"type":"fault_injected".*"latencyMs":20/)).resolves.toBeDefined();
    sim.send('clear 3');
    await expect(sim.waitForLine(/"type":"fault_cleared"/)).resolves.toBeDefined();
  });
});
