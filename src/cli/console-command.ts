import { createConnection, type Socket } from 'node:net';
import type { Command } from 'commander';
import { CONSOLE_DEFAULTS } from '../config/index.ts';
import { TERMINAL_HELLO } from '../console/negotiate.ts';

/** Exit codes of `axisguard console`: 0 all answered, 1 no console to talk to, 3 some answer was an `error:` line. */
export const CONSOLE_EXIT = { ok: 0, unreachable: 1, refused: 3 } as const;

/** Ctrl-] leaves an interactive session from this side, whatever the other side does (as in telnet). */
const LEAVE = 0x1d;

function connect(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function whyUnreachable(path: string, error: NodeJS.ErrnoException): string {
  const configure = `start 'axisguard run <config>' with a console section, e.g. console: { socket: { path: ${path} } }, or give its path with --socket PATH`;
  switch (error.code) {
    case 'ENOENT':
      return `no console socket at ${path}; ${configure}`;
    case 'ECONNREFUSED':
      return `nobody serves ${path} (a stale socket file: is axisguard run still running?); ${configure}`;
    case 'EACCES':
      return `no permission to use ${path}; the socket is only for its owner (mode 0600) or also its group (0660): run as one of them`;
    default:
      return `cannot connect to ${path}: ${error.message}`;
  }
}

/**
 * `axisguard console [--socket PATH]`: attaches this terminal to the console of a running
 * `axisguard run`. On a terminal the session edits lines on the far side (history, completion), so
 * stdin goes raw; Ctrl-] leaves. Otherwise the piped commands are sent, the answers printed, and
 * the exit code says whether any was refused.
 */
export async function runConsoleClient(socketPath: string | undefined, stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream, stderr: NodeJS.WritableStream): Promise<number> {
  const path = socketPath ?? CONSOLE_DEFAULTS.socketPath;
  let socket: Socket;
  try {
    socket = await connect(path);
  } catch (error) {
    stderr.write(`axisguard console: ${whyUnreachable(path, error as NodeJS.ErrnoException)}\n`);
    return CONSOLE_EXIT.unreachable;
  }
  return stdin.isTTY ? interactive(socket, path, stdin, stdout, stderr) : scripted(socket, stdin, stdout);
}

function interactive(socket: Socket, path: string, stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream, stderr: NodeJS.WritableStream): Promise<number> {
  stderr.write(`connected to ${path}; Ctrl-] leaves\n`);
  socket.write(`${TERMINAL_HELLO} ${stdout.columns ?? 80}\n`);
  stdin.setRawMode(true);
  const onKeys = (chunk: Buffer) => (chunk.includes(LEAVE) ? socket.end() : socket.write(chunk));
  stdin.on('data', onKeys);
  socket.on('data', (chunk: Buffer) => stdout.write(chunk));
  return new Promise((resolve) => {
    socket.once('error', () => undefined);
    socket.once('close', () => {
      stdin.off('data', onKeys);
      stdin.setRawMode(false);
      stdin.pause();
      stdout.write('\n');
      resolve(CONSOLE_EXIT.ok);
    });
  });
}

function scripted(socket: Socket, stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): Promise<number> {
  let refused = false;
  let partial = '';
  socket.on('data', (chunk: Buffer) => {
    stdout.write(chunk);
    const lines = (partial + chunk.toString('latin1')).split('\n');
    partial = lines.pop() ?? '';
    if (lines.some((line) => line.startsWith('error: '))) refused = true;
  });
  stdin.pipe(socket);
  return new Promise((resolve) => {
    socket.once('error', () => undefined);
    socket.once('close', () => {
      stdin.unpipe(socket);
      stdin.pause();
      resolve(refused || partial.startsWith('error: ') ? CONSOLE_EXIT.refused : CONSOLE_EXIT.ok);
    });
  });
}

/** Adds `axisguard console` to the program. */
export function registerConsoleCommand(program: Command): void {
  program
    .command('console')
    .description('attach to the technician console of a running `axisguard run` (piped stdin: send the commands, print the answers)')
    .option('--socket <path>', `the console socket (default ${CONSOLE_DEFAULTS.socketPath})`)
    .action(async (opts: { socket?: string }) => {
      process.exitCode = await runConsoleClient(opts.socket, process.stdin, process.stdout, process.stderr);
    });
}
