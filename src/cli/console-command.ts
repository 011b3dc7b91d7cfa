import { createConnection, type Socket } from 'node:net';
import type { Command } from 'commander';
import { CONSOLE_DEFAULTS } from '../config/index.ts';
import { TERMINAL_HELLO } from '../console/negotiate.ts';

/** Exit codes of `axisguard console`: 0 all answered, 1 no console to talk to, 3 some answer was an `error:` line. */
export const CONSOLE_EXIT = { ok: 0, unreachable: 1, refused: 3 } as const;

/** Ctrl-] leaves an interactive session from this side, whatever the other side does (as in telnet). */
const LEAVE = 0x1d;

/**
 * Keys not yet taken by the console (its input queue is full) beyond which further keys are dropped,
 * with one bell, rather than buffered, bytes. Stdin is still read, so that Ctrl-] always works.
 */
const MAX_UNSENT_KEY_BYTES = 64 * 1024;
const BELL = '\x07';

/** How a refused command's answer starts; all of an answer line the client keeps to set the exit code. */
const ERROR_PREFIX = 'error: ';

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
 * `axisguard run`. On a terminal the session edits lines on the far side (history, completion, the
 * 512-byte line limit), so stdin goes raw; Ctrl-] leaves. Otherwise the piped commands are sent,
 * the answers printed, and the exit code says whether any was refused. Either way nothing is
 * buffered without bound: keys the console does not take are dropped past MAX_UNSENT_KEY_BYTES
 * (piped input is not read meanwhile), the socket is not read while stdout takes no output, and of
 * an answer line only its first characters are kept.
 */
export async function runConsoleClient(
  socketPath: string | undefined,
  stdin: NodeJS.ReadStream,
  stdout: NodeJS.WriteStream,
  stderr: NodeJS.WritableStream,
): Promise<number> {
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

function interactive(
  socket: Socket,
  path: string,
  stdin: NodeJS.ReadStream,
  stdout: NodeJS.WriteStream,
  stderr: NodeJS.WritableStream,
): Promise<number> {
  stderr.write(`connected to ${path}; Ctrl-] leaves\n`);
  socket.write(`${TERMINAL_HELLO} ${stdout.columns ?? 80}\n`);
  stdin.setRawMode(true);
  let dropping = false;
  const taken = () => (dropping = false);
  const onKeys = (chunk: Buffer) => {
    // Keys still unsent would hold up the end: leaving drops them.
    if (chunk.includes(LEAVE)) return void (socket.writableLength > 0 ? socket.destroy() : socket.end());
    if (socket.writableLength < MAX_UNSENT_KEY_BYTES) return void socket.write(chunk);
    if (dropping) return;
    dropping = true;
    stdout.write(BELL);
    socket.once('drain', taken);
  };
  stdin.on('data', onKeys);
  socket.pipe(stdout, { end: false });
  return new Promise((resolve) => {
    socket.once('error', () => undefined);
    socket.once('close', () => {
      socket.unpipe(stdout);
      socket.off('drain', taken);
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
  /** The start of the answer line not yet ended, at most as long as ERROR_PREFIX. */
  let lineStart = '';
  socket.on('data', (chunk: Buffer) => {
    const lines = (lineStart + chunk.toString('latin1')).split('\n');
    lineStart = lines.pop()!.slice(0, ERROR_PREFIX.length);
    if (lines.some((line) => line.startsWith(ERROR_PREFIX))) refused = true;
  });
  socket.pipe(stdout, { end: false });
  stdin.pipe(socket);
  return new Promise((resolve) => {
    socket.once('error', () => undefined);
    socket.once('close', () => {
      socket.unpipe(stdout);
      stdin.unpipe(socket);
      stdin.pause();
      resolve(refused || lineStart.startsWith(ERROR_PREFIX) ? CONSOLE_EXIT.refused : CONSOLE_EXIT.ok);
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
