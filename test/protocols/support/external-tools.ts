import { spawn, spawnSync } from 'node:child_process';
import { RealClock } from '../../../src/common/clock.ts';

/**
 * Gate for tests that need programs from Debian (socat, mbpoll). Outside CI a missing tool skips the
 * tests with a loud warning; in CI (CI=true) the tests run and fail, so a broken image cannot pass
 * unnoticed.
 */
export interface ToolGate {
  /** Pass to describe.skipIf. */
  readonly skip: boolean;
  /** Call in beforeAll: throws in CI when a tool is missing. */
  assertPresent(): void;
}

export const INSTALL_HINT = 'sudo apt-get install -y socat mbpoll systemd prometheus chromium';
export const EXTERNAL_TOOLS = ['socat', 'mbpoll', 'systemd-analyze', 'promtool', 'chromium'] as const;

export const isInstalled = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;

/**
 * Skips (outside CI) or fails (CI=true) the tests that need `names`. The loud line naming the install
 * command is printed once per run by test/global-setup.ts, not once per file.
 */
export function requireTools(...names: string[]): ToolGate {
  const missing = names.filter((name) => !isInstalled(name));
  return requireCapability(
    missing.length === 0 ? undefined : `${missing.join(' and ')} not installed; CI must provide them: ${INSTALL_HINT}`,
  );
}

/**
 * The same gate for anything else the machine must allow (e.g. a writable cgroup CPU controller):
 * `missing` says what is missing and how to provide it, undefined when nothing is.
 */
export function requireCapability(missing: string | undefined): ToolGate {
  return {
    skip: missing !== undefined && process.env.CI !== 'true',
    assertPresent() {
      if (missing !== undefined) throw new Error(missing);
    },
  };
}

export interface ToolRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to completion, killing it if it is still running after `timeoutMs`. */
export function runTool(command: string, args: readonly string[], timeoutMs = 10_000): Promise<ToolRun> {
  const clock = new RealClock();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = clock.setTimer(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      timer.dispose();
      reject(error);
    });
    child.on('close', (code) => {
      timer.dispose();
      resolve({ code, stdout, stderr });
    });
  });
}

/** The register values mbpoll printed, e.g. "[1]: \t100" lines, in order. */
export function parseMbpollValues(stdout: string): number[] {
  return [...stdout.matchAll(/^\[(\d+)\]:\s+(-?\d+)/gm)].map((m) => Number(m[2]));
}

/** Where mbpoll talks: RTU at 115200 baud without parity on a serial `device`, or TCP to 127.0.0.1:`tcpPort`. */
export type MbpollLink = { readonly device: string } | { readonly tcpPort: number };

/**
 * Runs mbpoll once against `unit`: reads `count` registers from the 0-based `address` (mbpoll's -r
 * is 1-based), or writes `values` there. `options` (e.g. `['-o', '0.2']`, a 0.2 s timeout) go after
 * the register count of a read, before the device of a write.
 */
export function mbpoll(
  link: MbpollLink,
  unit: number,
  address: number,
  request: { readonly count: number } | { readonly values: readonly number[] },
  options: readonly string[] = [],
): Promise<ToolRun> {
  const [mode, target] =
    'device' in link
      ? [['-m', 'rtu', '-b', '115200', '-P', 'none'], link.device]
      : [['-m', 'tcp', '-p', String(link.tcpPort)], '127.0.0.1'];
  const what =
    'count' in request ? ['-c', String(request.count), ...options, '-1', target] : [...options, target, ...request.values.map(String)];
  return runTool('mbpoll', [...mode, '-a', String(unit), '-r', String(address + 1), ...what]);
}
