import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { runAsHardware } from '../../../support/hardware-priority.ts';
import { fileURLToPath } from 'node:url';
import { RealClock } from '../../../../src/common/clock.ts';
import { withDeadline } from '../../../../src/common/deadline.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const clock = new RealClock();

/** `node bin/axisguard.js sim ...` as a child process, its output collected line by line. */
export class SimProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly exit: Promise<number | null>;
  private waiters: Array<() => void> = [];

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, ['bin/axisguard.js', 'sim', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    runAsHardware(this.child.pid);
    this.collect(this.child.stdout, this.stdout);
    this.collect(this.child.stderr, this.stderr);
    this.exit = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Resolves with the first stdout line matching `pattern` (seen so far or to come); rejects after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs = 10_000, from: 'stdout' | 'stderr' = 'stdout'): Promise<string> {
    const lines = from === 'stdout' ? this.stdout : this.stderr;
    const found = new Promise<string>((resolve) => {
      const look = (): boolean => {
        const line = lines.find((l) => pattern.test(l));
        if (line === undefined) return false;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(line);
        return true;
      };
      const waiter = (): void => void look();
      if (!look()) this.waiters.push(waiter);
    });
    return withDeadline(
      clock,
      found,
      clock.now() + timeoutMs,
      () =>
        new Error(
          `no ${from} line matching ${pattern} after ${timeoutMs} ms; stdout: ${this.stdout.join(' | ')}; stderr: ${this.stderr.join(' | ')}`,
        ),
    );
  }

  /** Writes one console command to the sim's stdin. */
  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Sends `signal` and resolves with the exit code (null if it died by a signal). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return withDeadline(clock, this.exit, clock.now() + 5000, () => new Error('sim did not exit within 5 s'));
  }

  /** Resolves with the exit code once the process ends by itself. */
  exited(timeoutMs = 10_000): Promise<number | null> {
    return withDeadline(clock, this.exit, clock.now() + timeoutMs, () => new Error('sim did not exit'));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Last resort for afterEach: SIGKILL, then wait for the exit. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exit;
  }

  private collect(stream: NodeJS.ReadableStream, into: string[]): void {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      into.push(...parts);
      for (const wake of this.waiters) wake();
    });
  }
}
