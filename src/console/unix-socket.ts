import { chmod, lstat, mkdtemp, rename, rm, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { ConsoleStartError } from './errors.ts';

/** A listening console socket. */
export interface SocketListener {
  /** Stops listening and removes the socket file; connections already open are the caller's to end. */
  close(): Promise<void>;
}

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/** Resolves true when a server answers on `path`, false when nobody listens (a stale socket file). */
function isServed(path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', (error) => (errnoOf(error) === 'ECONNREFUSED' ? resolve(false) : reject(error)));
  });
}

/** Removes a stale socket file at `path`; refuses a live one and anything that is not a socket. */
async function clearStale(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return;
    throw new ConsoleStartError(`console socket ${path}: ${(error as Error).message}`);
  }
  if (!isSocket)
    throw new ConsoleStartError(`console socket ${path}: the path exists and is not a socket; remove it or set console.socket.path`);
  let served: boolean;
  try {
    served = await isServed(path);
  } catch (error) {
    throw new ConsoleStartError(`console socket ${path}: cannot check the existing socket: ${(error as Error).message}`);
  }
  if (served) throw new ConsoleStartError(`console socket ${path}: another process already serves it (a second axisguard run?)`);
  await unlink(path);
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Serves `path` as a UNIX socket with file mode `mode` (0o600 or 0o660): the file's permissions are
 * the access control. The socket is made in a fresh private (0700) folder beside `path`, given its
 * mode there, then renamed into place, so nobody can connect before the mode holds. A stale socket
 * file (left by a killed run) is removed first; a live one or any other file is refused with a
 * ConsoleStartError.
 */
export async function listenOnUnixSocket(path: string, mode: number, onConnection: (socket: Socket) => void): Promise<SocketListener> {
  await clearStale(path);
  let staging: string;
  try {
    staging = await mkdtemp(join(dirname(path), '.ag-'));
  } catch (error) {
    throw new ConsoleStartError(`console socket ${path}: cannot create it in ${dirname(path)}: ${(error as Error).message}`);
  }
  const server = createServer({ allowHalfOpen: true }, onConnection);
  try {
    const staged = join(staging, basename(path).slice(0, 8) || 's');
    await listen(server, staged);
    await chmod(staged, mode);
    await rename(staged, path);
  } catch (error) {
    server.close();
    throw new ConsoleStartError(`console socket ${path}: cannot listen: ${(error as Error).message}`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return {
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await unlink(path).catch(() => undefined);
    },
  };
}
