import { spawn, type ChildProcess } from 'node:child_process';
import { runAsHardware } from '../../support/hardware-priority.ts';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealClock } from '../../../src/common/clock.ts';
import { withDeadline } from '../../../src/common/deadline.ts';
import { SocatWireLog, type WireTransfer } from '../../support/socat-wire-log.ts';

/** Two connected pseudo-terminals made by socat: bytes written to one path come out of the other. */
export interface PtyPair {
  readonly pathA: string;
  readonly pathB: string;
  /** Kills socat (both ends see their port vanish) and removes the temp dir. Safe to call twice. */
  close(): Promise<void>;
  /** Stops (SIGSTOP) or resumes (SIGCONT) socat: bytes wait in the kernel, as when socat is starved of CPU. */
  stall(stalled: boolean): void;
  /** Every transfer socat made so far, when opened with `watchWire` (else none). */
  wire(): readonly WireTransfer[];
}

export interface PtyPairOptions {
  /** Give up when socat is not ready by then, ms. Default 5000. */
  readonly timeoutMs?: number;
  /** Have socat log every transfer (`-x -v`), read back by `wire()`. Default false. */
  readonly watchWire?: boolean;
}

const clock = new RealClock();

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `socat -d -d pty,raw,echo=0,link=DIR/ttyA pty,raw,echo=0,link=DIR/ttyB` in a fresh temp dir
 * and resolves once socat runs its transfer loop and both links exist (or rejects after `timeoutMs`).
 */
export async function openPtyPair({ timeoutMs = 5000, watchWire = false }: PtyPairOptions = {}): Promise<PtyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'axisguard-pty-'));
  const pathA = join(dir, 'ttyA');
  const pathB = join(dir, 'ttyB');
  const logged = watchWire ? ['-x', '-v'] : [];
  const socat = spawn('socat', ['-d', '-d', ...logged, `pty,raw,echo=0,link=${pathA}`, `pty,raw,echo=0,link=${pathB}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  runAsHardware(socat.pid);
  let log = '';
  let started = false;
  const wire = new SocatWireLog();
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    socat.kill('SIGTERM');
    await withDeadline(clock, exited(socat), clock.now() + 2000, () => new Error('socat did not exit')).catch(() => {
      socat.kill('SIGKILL');
    });
    await rm(dir, { recursive: true, force: true });
  };

  const ready = new Promise<void>((resolve, reject) => {
    socat.stderr.on('data', (d: Buffer) => {
      // Once it runs, socat logs only transfers (with watchWire): they go to the wire log, not the start-up log.
      if (started) return wire.push(d.toString());
      log += d.toString();
      if (log.includes('starting data transfer loop') && existsSync(pathA) && existsSync(pathB)) {
        started = true;
        resolve();
      }
    });
    socat.once('error', reject);
    socat.once('exit', (code) => reject(new Error(`socat exited with ${code}: ${log}`)));
  });
  try {
    await withDeadline(clock, ready, clock.now() + timeoutMs, () => new Error(`socat pty pair not ready after ${timeoutMs} ms: ${log}`));
  } catch (error) {
    await close();
    throw error;
  }
  return { pathA, pathB, close, stall: (stalled) => void socat.kill(stalled ? 'SIGSTOP' : 'SIGCONT'), wire: () => wire.all() };
}
