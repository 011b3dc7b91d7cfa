import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/common/clock.ts';
import { buildLine, type BuiltLine } from '../../src/compose/build-line.ts';
import { ConsoleHost } from '../../src/console/console-host.ts';
import { parseConfig, type Config, type ConsoleConfig } from '../../src/config/index.ts';
import { requireTools, runTool } from '../protocols/support/external-tools.ts';
import { openPtyPair, type PtyPair } from '../protocols/support/pty-pair.ts';
import { PIN, testPinHash } from './support/console-harness.ts';
import { serialStreamOpener } from '../../src/compose/console-serial.ts';

const BIN = join(import.meta.dirname, '../../bin/axisguard.js');
const gate = requireTools('socat');

// No warm-up (cycle.warmupMs): the technician talks to powered axes at once.
const AXES = [
  'cycle: { warmupMs: 0 }',
  'axes:',
  '  - { id: a, driver: { type: simulated, seed: 1 }, limits: { minMm: 0, maxMm: 600, maxSpeedMmPerS: 400, maxAccelMmPerS2: 2000 } }',
  '  - { id: b, driver: { type: simulated, seed: 2 }, limits: { minMm: 0, maxMm: 600, maxSpeedMmPerS: 400, maxAccelMmPerS2: 2000 } }',
].join('\n');

/** A person at a serial terminal on the other end of the pty pair. */
class Technician {
  private text = '';

  private constructor(private readonly port: SerialPort) {
    port.on('data', (d: Buffer) => (this.text += d.toString('latin1')));
  }

  static async open(path: string, baudRate: number): Promise<Technician> {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    return new Technician(port);
  }

  /** Types `line` and Enter, and waits (real time) until the answer shows `expected`. */
  async say(line: string, expected: RegExp | string, timeoutMs = 8000): Promise<string> {
    const from = this.text.length;
    this.port.write(`${line}\r`);
    const start = Date.now();
    for (;;) {
      const answer = this.text.slice(from);
      if (typeof expected === 'string' ? answer.includes(expected) : expected.test(answer)) return answer;
      if (Date.now() - start > timeoutMs)
        throw new Error(`no ${String(expected)} after '${line}' within ${timeoutMs} ms; got: ${JSON.stringify(answer)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.port.isOpen ? this.port.close(() => resolve()) : resolve()));
  }
}

describe.skipIf(gate.skip)('technician console over a real pty pair (socat)', () => {
  let pair: PtyPair | undefined;
  let technician: Technician | undefined;
  let line: BuiltLine | undefined;
  let host: ConsoleHost | undefined;
  let run: ChildProcess | undefined;
  let dir: string | undefined;

  beforeAll(() => gate.assertPresent());

  afterEach(async () => {
    run?.kill('SIGKILL');
    await host?.stop();
    await line?.supervisor.stop('test over');
    await line?.close();
    await technician?.close();
    await pair?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    pair = technician = line = host = run = dir = undefined;
  });

  for (const [baudRate, terminal] of [
    [9600, 'ansi'],
    [115_200, 'dumb'],
  ] as const) {
    it(`lets a logged-in technician read status, hold, release and reset an axis (${baudRate} baud, ${terminal} terminal)`, async () => {
      pair = await openPtyPair();
      technician = await Technician.open(pair.pathB, baudRate);
      const yaml = `line: pty-line\n${AXES}\nconsole:\n  serial: { path: ${pair.pathA}, baudRate: ${baudRate}, terminal: ${terminal} }\n  operators:\n    - { name: ana, pinHash: "${await testPinHash()}" }\n`;
      const config = parseConfig(yaml, 'pty.yaml') as Config & { console: ConsoleConfig };
      const clock = new RealClock();
      line = buildLine(config, clock);
      line.supervisor.start();
      host = new ConsoleHost({
        config,
        supervisor: line.supervisor,
        simulators: line.simulators,
        clock,
        startMs: 0,
        version: 'test',
        openSerial: serialStreamOpener(clock),
      });
      await host.start();

      await technician.say('', 'axisguard> ');
      await technician.say('jog a 5', "error: 'jog' needs an operator login on this console");
      await technician.say('login ana', 'PIN: ');
      const welcome = await technician.say(PIN, 'logged in as ana');
      if (terminal === 'ansi') expect(welcome).not.toContain(PIN);
      await technician.say('status', /^a +still +ok/m);
      await technician.say('hold a', 'a: held, Stopping; the drive confirmed the hold');
      await technician.say('release a', 'a: released, Standstill');
      await technician.say('sim inject a alarm 9', 'a: simulated fault #1 alarm 9 injected');
      for (let i = 0; i < 50 && !(await technician.say('axis a', /latched trip: (none|alarm)/)).includes('latched trip: alarm'); i++);
      await technician.say('sim clear a all', 'a: cleared #1 alarm 9');
      await technician.say('reset a', 'Type yes to confirm:');
      await technician.say('yes', 'a: reset, Standstill');
      await technician.say('exit', /bye[\s\S]*axisguard console, line 'pty-line' \(serial\)/);
      await technician.say('enable a', "error: 'enable' needs an operator login");
    });
  }

  it('axisguard run serves both: what the serial technician does, the socket console sees', async () => {
    pair = await openPtyPair();
    dir = await mkdtemp(join(tmpdir(), 'axisguard-run-console-'));
    const socketPath = join(dir, 'console.sock');
    const configPath = join(dir, 'line.yaml');
    writeFileSync(
      configPath,
      `line: pty-line\n${AXES}\nconsole:\n  socket: { path: ./console.sock }\n  serial: { path: ${pair.pathA}, baudRate: 115200 }\n  operators:\n    - { name: ana, pinHash: "${await testPinHash()}" }\n`,
    );
    technician = await Technician.open(pair.pathB, 115_200);
    const child = spawn(process.execPath, [BIN, 'run', configPath, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    run = child;
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const start = Date.now();
    while (!stdout.includes('"transport":"serial","path"') || !existsSync(socketPath)) {
      if (Date.now() - start > 10_000) throw new Error(`axisguard run did not open its console: ${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    await technician.say('', 'axisguard> ');
    await technician.say('login ana', 'PIN: ');
    await technician.say(PIN, 'logged in as ana');
    await technician.say('hold a', 'a: held, Stopping');

    const viaSocket = await runTool('sh', [
      '-c',
      `printf 'status\\naxis a\\n' | '${process.execPath}' '${BIN}' console --socket '${socketPath}'`,
    ]);
    expect(viaSocket.code).toBe(0);
    expect(viaSocket.stdout).toMatch(/^a +STOP +ok/m);
    expect(viaSocket.stdout).toMatch(/^b +still +ok/m);
    expect(viaSocket.stdout).toContain('a: Standstill -> Stopping (held by console:ana)');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    run = undefined;
    const events = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'console_transport', transport: 'socket', state: 'open', detail: 'mode 0600' }),
    );
    expect(events).toContainEqual(expect.objectContaining({ type: 'console_login', session: 'serial', operator: 'ana', outcome: 'ok' }));
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'console_command', session: 'serial', by: 'console:ana', command: 'hold a', outcome: 'ok' }),
    );
    expect(existsSync(socketPath)).toBe(false);
  });
});
