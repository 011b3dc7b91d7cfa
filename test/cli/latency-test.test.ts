import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DriveProfile } from '../../protocols/drive-profile.ts';
import { loadDriveProfile } from '../../protocols/profile-schema.ts';
import { SimServer } from '../../sim/modbus/sim-server.ts';
import { SimulatedDrive } from '../../sim/simulated-drive.ts';
import { EXIT_NOT_HELD, latencyTest } from '../../src/cli/latency-test-command.ts';
import { DEMO_CONFIG_PATH } from '../../src/cli/run-command.ts';
import { RealClock } from '../../src/common/clock.ts';
import type { LatencyStats } from '../../src/realtime/latency-histogram.ts';
import type { BusRoundTrips } from '../../src/realtime/latency-round-trips.ts';
import type { TimerLateness } from '../../src/realtime/latency-timer.ts';
import type { LatencyVerdict } from '../../src/realtime/latency-verdict.ts';
import { requireTools } from '../protocols/support/external-tools.ts';
import { openPtyPair, type PtyPair } from '../protocols/support/pty-pair.ts';
import { runAxisguard } from '../support/spawn-run.ts';

/** What `axisguard latency-test --json` prints. */
interface LatencyDocument {
  readonly type: string;
  readonly source: string | null;
  readonly durationMs: number;
  readonly periodMs: number;
  readonly timer: TimerLateness;
  readonly eventLoop: LatencyStats & { readonly resolutionMs: number };
  readonly buses: readonly BusRoundTrips[];
  readonly verdict: LatencyVerdict;
  readonly advice: readonly string[];
}

const latencyTestCli = async (args: string[]) => {
  const run = await runAxisguard(['latency-test', ...args], {}).finished;
  return { ...run, doc: () => JSON.parse(run.stdout) as LatencyDocument };
};

/** Something was measured, and its figures are finite and in order. Never exact timings: CI is busy. */
function expectOrdered(stats: LatencyStats): void {
  expect(stats.count).toBeGreaterThan(0);
  for (const value of [stats.p50Ms, stats.p99Ms, stats.maxMs]) {
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeGreaterThanOrEqual(0);
  }
  expect(stats.p50Ms!).toBeLessThanOrEqual(stats.p99Ms!);
  expect(stats.p99Ms!).toBeLessThanOrEqual(stats.maxMs!);
}

/** The verdict follows from the figures: the gap covers period and worst lateness, the watchdog twice the gap. */
function expectConsistentVerdict(doc: LatencyDocument): void {
  const { verdict } = doc;
  expect(verdict.periodMs).toBe(doc.periodMs);
  expect(verdict.worstLatenessMs).toBeGreaterThanOrEqual(Math.max(doc.timer.maxMs ?? 0, doc.eventLoop.maxMs ?? 0));
  expect(Number.isInteger(verdict.holdablePeriodMs) && verdict.holdablePeriodMs >= 1).toBe(true);
  expect(verdict.longestGapMs).toBeGreaterThanOrEqual(doc.periodMs + verdict.worstLatenessMs);
  expect(verdict.minWatchdogMs).toBeGreaterThanOrEqual(2 * verdict.longestGapMs);
  expect(verdict.marginMs).toBeCloseTo(verdict.minWatchdogMs - verdict.longestGapMs, 9);
  expect(doc.advice.join('\n')).toContain(`can hold a cycle period of ${verdict.holdablePeriodMs} ms`);
}

describe('axisguard latency-test without a config', () => {
  it('measures timer lateness and event-loop delay, and says which period and watchdog this machine holds (exit 0)', async () => {
    const run = await latencyTestCli(['--seconds', '1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const doc = run.doc();
    expect(doc).toMatchObject({ type: 'latency_test', source: null, periodMs: 10, buses: [] });
    expect(doc.durationMs).toBeGreaterThanOrEqual(1000);
    expectOrdered(doc.timer);
    expect(Object.keys(doc.timer.lateOverMs)).toEqual(['5', '10', '20', '50']);
    expect(doc.timer.lateOverMs['50']!).toBeLessThanOrEqual(doc.timer.lateOverMs['5']!);
    expectOrdered(doc.eventLoop);
    expect(doc.eventLoop.resolutionMs).toBeLessThanOrEqual(1);
    expectConsistentVerdict(doc);
    expect(doc.verdict).toMatchObject({ checks: [], ok: true });
  });

  it('tests the period given with --period and prints a report for people', async () => {
    const run = await latencyTestCli(['--seconds', '1', '--period', '25']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/1\.\d s at a 25 ms period/);
    expect(run.stdout).toMatch(/timer lateness .* firings; later than 5\/10\/20\/50 ms: \d+\/\d+\/\d+\/\d+/);
    expect(run.stdout).toMatch(/This machine can hold a cycle period of \d+ ms \(worst lateness seen [\d.]+ ms\)/);
    expect(run.stdout).toMatch(/At a 25 ms period, a drive comm-loss watchdog of at least \d+ ms keeps a margin of [\d.]+ ms/);
  });

  it('refuses --period with a config, whose cycle.periodMs is what it runs at (exit 2)', async () => {
    const run = await latencyTestCli([DEMO_CONFIG_PATH, '--period', '20', '--seconds', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cycle.periodMs');
    expect(run.stdout).toBe('');
  });

  it('shows progress once a second on a terminal, and reports what it measured when interrupted', async () => {
    const out = new PassThrough();
    const err = Object.assign(new PassThrough(), { isTTY: true });
    let printed = '';
    let progress = '';
    out.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    err.on('data', (chunk: Buffer) => (progress += chunk.toString()));
    const interrupt = new AbortController();
    const clock = new RealClock();
    const stopped = clock.sleep(2500).then(() => interrupt.abort());
    const code = await latencyTest(
      { configPath: undefined, seconds: 600, periodMs: undefined, json: true },
      { out, err, signal: interrupt.signal },
    );
    await stopped;
    expect(code).toBe(0);
    expect(progress).toContain('Ctrl-C ends early');
    expect(
      progress.match(/^latency-test: \d+\/600 s, worst so far: timer [\d.]+ ms, event loop [\d.]+ ms$/gm)?.length,
    ).toBeGreaterThanOrEqual(2);
    const doc = JSON.parse(printed) as LatencyDocument;
    expect(doc.durationMs).toBeGreaterThanOrEqual(2000);
    expect(doc.durationMs).toBeLessThan(600_000);
    expectOrdered(doc.timer);
  });
});

/** A copy of the built-in kpower-generic profile with another comm-loss watchdog. */
function profileWithWatchdog(dir: string, commLossTimeoutMs: number): string {
  const builtIn = readFileSync(join(import.meta.dirname, '../../hardware/profiles/kpower-generic.yaml'), 'utf8');
  const path = join(dir, `watchdog-${commLossTimeoutMs}.yaml`);
  writeFileSync(path, builtIn.replace(/^commLossTimeoutMs: \d+/m, `commLossTimeoutMs: ${commLossTimeoutMs}`));
  return path;
}

/** Bus `one` with drives 1 and 2, bus `two` with drive 3, each on its own pty. */
function twoBusConfig(portOne: string, portTwo: string, periodMs: number, profile: string): string {
  const axis = (n: number, bus: string) =>
    `  - { id: ax${n}, driver: { type: modbus, bus: ${bus}, unitId: ${n}, profile: ${profile} }, limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500 } }`;
  return [
    `cycle: { periodMs: ${periodMs} }`,
    'defaults: { timeoutMs: 60 }',
    'buses:',
    `  - { id: one, type: rtu, path: ${portOne}, baudRate: 115200 }`,
    `  - { id: two, type: rtu, path: ${portTwo}, baudRate: 115200 }`,
    'axes:',
    axis(1, 'one'),
    axis(2, 'one'),
    axis(3, 'two'),
  ].join('\n');
}

/** The simulator, counting every register write that reaches it (a probe must send none). */
class WriteCountingSim extends SimServer {
  writes = 0;
  override writeRegisters(unitId: number, address: number, values: readonly number[]) {
    this.writes++;
    return super.writeRegisters(unitId, address, values);
  }
}

const tools = requireTools('socat');
// Real time, two processes and two ptys: generous timeouts, since CI's two cores may be busy.
describe.skipIf(tools.skip)('axisguard latency-test against simulated drives over real ptys', { timeout: 60_000 }, () => {
  const ptys: PtyPair[] = [];
  let sim: WriteCountingSim | undefined;

  beforeAll(() => tools.assertPresent());
  afterEach(async () => {
    await sim?.close();
    await Promise.all(ptys.splice(0).map((pty) => pty.close()));
  });

  /** Drives 1 and 2 on the first pty, 3 on the second; returns the supervisor-side ends and a folder. */
  async function startSim(): Promise<{ portOne: string; portTwo: string; dir: string }> {
    ptys.push(await openPtyPair(), await openPtyPair());
    const clock = new RealClock();
    const profile: DriveProfile = await loadDriveProfile('kpower-generic');
    const drive = (unitId: number) =>
      new SimulatedDrive({
        clock,
        name: `unit ${unitId}`,
        seed: unitId,
        baseLatencyMs: 0,
        model: { maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500, trackingTimeConstantMs: 15 },
      });
    sim = new WriteCountingSim({ clock, units: [1, 2, 3].map((unitId) => ({ unitId, profile, drive: drive(unitId) })) });
    for (const pty of ptys) await sim.attachSerial({ path: pty.pathB, baudRate: 115200, parity: 'even' });
    return { portOne: ptys[0]!.pathA, portTwo: ptys[1]!.pathA, dir: join(ptys[0]!.pathA, '..') };
  }

  /** Every drive was read, and nothing but read: no register write reached the simulator, no command was applied. */
  function expectReadsOnly(): void {
    expect(sim!.writes).toBe(0);
    for (const unitId of [1, 2, 3]) {
      const stats = sim!.stats(unitId);
      expect(stats.answered, `unit ${unitId}`).toBeGreaterThan(0);
      const { readStatus: _reads, ...commands } = stats.applied;
      expect(
        Object.values(commands).every((n) => n === 0),
        `unit ${unitId}: ${JSON.stringify(commands)}`,
      ).toBe(true);
    }
  }

  it('times read-only status reads per bus and holds a config with a generous period and watchdog (exit 0)', async () => {
    const { portOne, portTwo, dir } = await startSim();
    const config = join(dir, 'line.yaml');
    writeFileSync(config, twoBusConfig(portOne, portTwo, 500, profileWithWatchdog(dir, 65_535)));
    const run = await latencyTestCli([config, '--seconds', '2', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const doc = run.doc();
    expect(doc).toMatchObject({ source: config, periodMs: 500 });
    expect(doc.buses.map((b) => [b.bus, b.drives])).toEqual([
      ['one', 2],
      ['two', 1],
    ]);
    for (const bus of doc.buses) {
      expectOrdered(bus);
      expect(bus.reads).toBeGreaterThanOrEqual(bus.drives);
      expect(bus.units.every((u) => u.reads > u.failed)).toBe(true);
    }
    expectConsistentVerdict(doc);
    expect(doc.verdict.buses.map((b) => b.bus)).toEqual(['one', 'two']);
    expect(doc.verdict.checks.map((c) => [c.kind, 'axis' in c ? c.axis : '-', c.ok])).toEqual([
      ['period', '-', true],
      ['watchdog', 'ax1', true],
      ['watchdog', 'ax2', true],
      ['watchdog', 'ax3', true],
    ]);
    expect(doc.advice.at(-1)).toBe(`OK: this machine can hold ${config}.`);
    expectReadsOnly();
  });

  it('says NOT OK, with the shortfall, when the machine stalls during the test (exit 3)', async () => {
    const { portOne, portTwo, dir } = await startSim();
    const config = join(dir, 'line.yaml');
    // 200 ms covers the bus's own wire budget, but not a 150 ms stall: 2 x (10 + 150 + ...) > 200.
    writeFileSync(config, twoBusConfig(portOne, portTwo, 10, profileWithWatchdog(dir, 200)));
    const { child, finished } = runAxisguard(['latency-test', config, '--seconds', '3'], {});
    // The first request to reach a drive says the measurement runs: then stop the process for 150 ms.
    const clock = new RealClock();
    while (sim!.stats(1).requests === 0 && child.exitCode === null) await clock.sleep(10);
    child.kill('SIGSTOP');
    await clock.sleep(150);
    child.kill('SIGCONT');
    const run = await finished;
    expect(run.code, run.stderr).toBe(EXIT_NOT_HELD);
    expect(run.stdout).toMatch(/^one round trip .* 2 drives, \d+ reads, \d+ failed$/m);
    expect(run.stdout).toMatch(/^two round trip .* 1 drives, \d+ reads, \d+ failed$/m);
    // One line per bus: its drives share the bus's need.
    expect(run.stdout).toMatch(
      /^ax1, ax2 \(bus one, units 1, 2\): commLossTimeoutMs 200 ms: NOT OK, \d+ ms short of the \d+ ms needed; raise commLossTimeoutMs/m,
    );
    expect(run.stdout).toMatch(
      /^ax3 \(bus two, unit 3\): commLossTimeoutMs 200 ms: NOT OK, \d+ ms short of the \d+ ms needed; raise commLossTimeoutMs/m,
    );
    expect(run.stdout).toContain(`NOT OK: this machine cannot hold ${config} as configured`);
    expectReadsOnly();
  });
});
