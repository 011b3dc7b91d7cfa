import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { RealClock } from '../../src/common/clock.ts';
import { isInstalled, requireCapability, type ToolGate } from '../protocols/support/external-tools.ts';

/**
 * A real Mosquitto broker for a test, on 127.0.0.1 and a free port, anonymous, no persistence,
 * started from a config file of its own (no system service). Debian installs the binary in
 * /usr/sbin, which an ordinary user's PATH may lack, so both are looked at.
 */

const SBIN = '/usr/sbin/mosquitto';

export const mosquittoBinary = (): string | undefined => (isInstalled('mosquitto') ? 'mosquitto' : existsSync(SBIN) ? SBIN : undefined);

/** Skips (outside CI) or fails (CI=true) the tests that need a broker. */
export const mosquittoGate = (): ToolGate =>
  requireCapability(
    mosquittoBinary() === undefined ? 'mosquitto not installed; CI must provide it: sudo apt-get install -y mosquitto' : undefined,
  );

export interface Broker {
  readonly port: number;
  /** The broker's process id while it runs (for its CPU time). */
  readonly pid: () => number | undefined;
  readonly url: string;
  /** Stops the broker (SIGTERM, then waits for its exit). */
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop), as a broker restarted by its service would. */
  restart(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Starts a broker with its config in `dir`; resolves once it accepts connections (within 5 s). */
export async function startMosquitto(dir: string): Promise<Broker> {
  const binary = mosquittoBinary();
  if (!binary) throw new Error('mosquitto not installed: sudo apt-get install -y mosquitto');
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr', ''].join('\n'));
  const clock = new RealClock();
  let child: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    child = spawn(binary, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    for (const startedAt = clock.now(); clock.now() - startedAt < 5000; await clock.sleep(20)) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}: ${log}`);
      if (await accepts(port)) return;
    }
    throw new Error(`mosquitto did not accept connections on ${port} within 5 s: ${log}`);
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  await start();
  return { port, pid: () => child?.pid, url: `mqtt://127.0.0.1:${port}`, stop, restart: start };
}
