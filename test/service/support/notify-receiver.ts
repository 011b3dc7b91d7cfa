import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeAll } from 'vitest';
import { RealClock } from '../../../src/common/clock.ts';
import type { ToolGate } from '../../protocols/support/external-tools.ts';

/**
 * A stand-in for systemd's notification socket: a real UNIX datagram socket made and read by
 * socat, not by our code. `socat -x` dumps each datagram it receives to stderr as a header line
 * with its length and a line of hex bytes, which keeps datagram boundaries (a plain copy to
 * stdout would run them together).
 */
export interface NotifyReceiver {
  /** The socket's path: the value for NOTIFY_SOCKET. */
  readonly socketPath: string;
  /** Every datagram so far, in arrival order, as its list of assignments. */
  readonly messages: string[][];
  /** Called with each datagram as it arrives. */
  onMessage(listener: (message: string[]) => void): void;
  /** Resolves with the first datagram (already received or later) that `match` accepts; rejects after `timeoutMs`. */
  waitFor(match: (message: string[]) => boolean, timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

const HEADER = /^> \S+ \S+\s+length=(\d+)/;
const HEX = /^ ((?:[0-9a-f]{2} ?)+)$/;

/** socat logs this (with -d -d) once its socket is bound and it is reading. */
const LISTENING = 'starting data transfer loop';

/**
 * Starts the receiver on `dir`/notify.sock, or, given `abstractName`, on that name in the abstract
 * namespace (NOTIFY_SOCKET `@name`). Resolves once the socket is bound.
 */
export async function startNotifyReceiver(dir: string, abstractName?: string): Promise<NotifyReceiver> {
  const clock = new RealClock();
  const socketPath = abstractName === undefined ? join(dir, 'notify.sock') : `@${abstractName}`;
  const address = abstractName === undefined ? `UNIX-RECV:${socketPath}` : `ABSTRACT-RECV:${abstractName}`;
  const child = spawn('socat', ['-d', '-d', '-u', '-x', address, '/dev/null'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let listening = false;
  const messages: string[][] = [];
  const listeners: Array<(message: string[]) => void> = [];
  let pending = '';
  let expected = 0;
  let bytes: number[] = [];
  child.stderr.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes(LISTENING)) listening = true;
      const header = HEADER.exec(line);
      if (header) {
        expected = Number(header[1]);
        bytes = [];
        continue;
      }
      const hex = HEX.exec(line);
      if (!hex || expected === 0) continue;
      bytes.push(
        ...hex[1]!
          .trim()
          .split(/\s+/)
          .map((h) => parseInt(h, 16)),
      );
      if (bytes.length < expected) continue;
      const message = Buffer.from(bytes).toString('utf8').split('\n');
      expected = 0;
      messages.push(message);
      for (const listener of listeners) listener(message);
    }
  });
  for (let waited = 0; !listening; waited += 20) {
    if (waited > 5000 || child.exitCode !== null) throw new Error(`socat did not start listening on ${socketPath}`);
    await clock.sleep(20);
  }
  return {
    socketPath,
    messages,
    onMessage: (listener) => listeners.push(listener),
    waitFor(match, timeoutMs = 15_000) {
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = clock.setTimer(
          () => reject(new Error(`no matching sd_notify message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`)),
          timeoutMs,
        );
        listeners.push((message) => {
          if (!match(message)) return;
          timer.dispose();
          resolve(message);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

/**
 * For a describe block gated by `describe.skipIf(tools.skip)`: asserts the tools before its tests,
 * and after each test closes the receiver the returned function started in it (startNotifyReceiver's
 * arguments).
 */
export function notifyReceiverEach(tools: ToolGate): (dir: string, abstractName?: string) => Promise<NotifyReceiver> {
  let receiver: NotifyReceiver | undefined;
  beforeAll(() => tools.assertPresent());
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });
  return async (dir, abstractName) => {
    receiver = await startNotifyReceiver(dir, abstractName);
    return receiver;
  };
}
