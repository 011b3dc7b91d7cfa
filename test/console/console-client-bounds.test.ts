import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CONSOLE_EXIT, runConsoleClient } from '../../src/cli/console-command.ts';
import { tempDirEach } from '../support/temp-dir.ts';

const MiB = 1024 * 1024;

/** A unix-socket server whose connections `onConnection` handles; it answers after the client's input ended, as the console does. */
async function serve(path: string, onConnection: (socket: Socket) => void): Promise<Server> {
  const server = createServer({ allowHalfOpen: true }, onConnection);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return server;
}

/** A terminal's keyboard with `pasteBytes` to type (a long paste), then `last`: it is read only as fast as the client asks for more. */
function keyboard(pasteBytes: number, last?: Buffer): { stdin: NodeJS.ReadStream; read: () => number } {
  let read = 0;
  let lastSent = false;
  const stdin = new Readable({
    read() {
      if (read < pasteBytes) {
        read += 16 * 1024;
        this.push(Buffer.alloc(16 * 1024, 'x'));
      } else if (last && !lastSent) {
        lastSent = true;
        this.push(last);
      }
    },
  }) as unknown as NodeJS.ReadStream & { isTTY: boolean; setRawMode: (raw: boolean) => void };
  stdin.isTTY = true;
  stdin.setRawMode = () => stdin;
  return { stdin, read: () => read };
}

/** A terminal that takes no output (XOFF, a hung pty) until released: writes stay buffered. */
function stuckStdout(): { stdout: NodeJS.WriteStream; release: () => void } {
  let held: Array<() => void> | undefined = [];
  const stdout = new Writable({
    write: (_chunk, _encoding, done) => (held ? held.push(done) : done()),
  }) as unknown as NodeJS.WriteStream;
  const release = () => {
    const waiting = held ?? [];
    held = undefined;
    for (const done of waiting) done();
  };
  return { stdout, release };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('axisguard console (the client) buffers nothing without bound', () => {
  const dir = tempDirEach('axisguard-console-client-');

  it('drops keys the console does not take past 64 KiB, with one bell, and still leaves at once on Ctrl-]', async () => {
    const path = join(dir(), 'console.sock');
    let far: Socket | undefined;
    const server = await serve(path, (socket) => {
      far = socket;
      socket.pause(); // a console whose input queue is full
    });
    const paste = keyboard(64 * MiB, Buffer.from([0x1d]));
    let printed = '';
    const stdout = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        printed += chunk.toString('latin1');
        done();
      },
    }) as unknown as NodeJS.WriteStream;
    await expect(runConsoleClient(path, paste.stdin, stdout, new PassThrough())).resolves.toBe(CONSOLE_EXIT.ok);
    expect(paste.read()).toBe(64 * MiB);
    expect(printed.split('\x07')).toHaveLength(2);
    let received = 0;
    far!.on('data', (chunk: Buffer) => (received += chunk.length));
    far!.on('error', () => undefined).on('end', () => far!.end());
    await new Promise((resolve) => far!.on('close', resolve).resume());
    expect(received).toBeLessThan(8 * MiB);
    await new Promise((resolve) => server.close(resolve));
  });

  it('stops reading the console while the terminal takes no output', async () => {
    const path = join(dir(), 'console.sock');
    let sent = 0;
    let far: Socket | undefined;
    const server = await serve(path, (socket) => {
      far = socket;
      const more = () => {
        while (sent < 64 * MiB && socket.write(Buffer.alloc(64 * 1024, 'y'))) sent += 64 * 1024;
      };
      socket.on('drain', more);
      more();
    });
    const terminal = stuckStdout();
    const done = runConsoleClient(path, keyboard(0).stdin, terminal.stdout, new PassThrough());
    await settle(500);
    expect(terminal.stdout.writableLength).toBeLessThan(MiB);
    expect(sent).toBeLessThan(16 * MiB);
    far!.destroy();
    // What the console sent before it went is still printed once the terminal reads again.
    terminal.release();
    await expect(done).resolves.toBe(CONSOLE_EXIT.ok);
    await new Promise((resolve) => server.close(resolve));
  });

  it('still exits 3 for an error line after a long answer line, however the answers are split', async () => {
    const path = join(dir(), 'console.sock');
    const answers = `${'z'.repeat(2 * MiB)}\nfine\nerr`;
    const server = await serve(path, (socket) => {
      socket.resume();
      let at = 0;
      const step = 7_777;
      const next = () => {
        if (at >= answers.length) return socket.end('or: unknown command\n');
        const from = at;
        at += step;
        socket.write(answers.slice(from, at), next);
      };
      next();
    });
    let printed = 0;
    const stdout = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        printed += chunk.length;
        callback();
      },
    }) as unknown as NodeJS.WriteStream;
    const stdin = Readable.from([Buffer.from('status\n')]) as unknown as NodeJS.ReadStream;
    await expect(runConsoleClient(path, stdin, stdout, new PassThrough())).resolves.toBe(CONSOLE_EXIT.refused);
    expect(printed).toBe(answers.length + 'or: unknown command\n'.length);
    await new Promise((resolve) => server.close(resolve));
  });
});
