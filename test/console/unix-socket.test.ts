import { linkSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isConsoleStartError } from '../../src/console/errors.ts';
import { listenOnUnixSocket } from '../../src/console/unix-socket.ts';
import { tempDirEach } from '../support/temp-dir.ts';

const refusal = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );

function reply(path: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = createConnection(path, () => socket.end(text));
    socket.on('data', (d: Buffer) => (got += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(got));
  });
}

const echo = (socket: Socket) => socket.on('data', (d: Buffer) => socket.end(`echo ${d.toString()}`));

describe('console UNIX socket', () => {
  const dir = tempDirEach('axisguard-sock-');

  it('is created with the configured mode, serves connections, and is removed on close', async () => {
    for (const mode of [0o600, 0o660]) {
      const path = join(dir(), `console-${mode.toString(8)}.sock`);
      const listener = await listenOnUnixSocket(path, mode, echo);
      expect(statSync(path).isSocket()).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(mode);
      await expect(reply(path, 'hi')).resolves.toBe('echo hi');
      await listener.close();
      expect(existsSync(path)).toBe(false);
    }
  });

  it('removes a stale socket file that nobody serves, then serves it', async () => {
    const path = join(dir(), 'console.sock');
    const old = await listenOnUnixSocket(join(dir(), 'old.sock'), 0o600, echo);
    linkSync(join(dir(), 'old.sock'), path); // a second name for the socket: it stays when the server goes
    await old.close();
    expect(statSync(path).isSocket()).toBe(true);
    const listener = await listenOnUnixSocket(path, 0o600, echo);
    await expect(reply(path, 'again')).resolves.toBe('echo again');
    await listener.close();
  });

  it('refuses a socket that another process serves, and leaves it alone', async () => {
    const path = join(dir(), 'console.sock');
    const other = createServer(echo);
    await new Promise<void>((resolve) => other.listen(path, resolve));
    const error = await refusal(listenOnUnixSocket(path, 0o600, echo));
    expect(isConsoleStartError(error)).toBe(true);
    expect((error as Error).message).toBe(`console socket ${path}: another process already serves it (a second axisguard run?)`);
    await expect(reply(path, 'still')).resolves.toBe('echo still');
    await new Promise((resolve) => other.close(resolve));
  });

  it('refuses a path that is not a socket, and leaves the file alone', async () => {
    const path = join(dir(), 'notes.txt');
    writeFileSync(path, 'keep me');
    const error = await refusal(listenOnUnixSocket(path, 0o600, echo));
    expect(isConsoleStartError(error)).toBe(true);
    expect((error as Error).message).toContain('the path exists and is not a socket');
    expect(statSync(path).isFile()).toBe(true);
  });
});
