import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/common/clock.ts';
import { withDeadline } from '../../src/common/deadline.ts';

/** Blocks the event loop for `ms`, as a GC pause, a blocked SD-card write or SIGSTOP would. */
function blockLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: nothing else runs on this thread meanwhile
  }
}

/** A connected pair of loopback sockets: what one writes sits in the other's OS buffer until its loop reads it. */
async function socketPair(): Promise<{ server: Server; near: Socket; far: Socket }> {
  const server = createServer();
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const near = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => near.once('connect', resolve));
  return { server, near, far: await accepted };
}

describe('a deadline that passes while the process itself is stalled', () => {
  let cleanup: () => void = () => undefined;
  afterEach(() => cleanup());

  it('takes the answer that arrived in time and waits in the OS buffer, instead of expiring first', async () => {
    const { server, near, far } = await socketPair();
    cleanup = () => {
      near.destroy();
      far.destroy();
      server.close();
    };
    const clock = new RealClock();
    const answer = new Promise<string>((resolve) => near.once('data', (chunk) => resolve(chunk.toString())));
    const call = withDeadline(clock, answer, clock.now() + 20, () => new Error('no answer by the deadline'));
    far.write('answer'); // sent at once, well inside the deadline
    blockLoop(80); // our own stall: the deadline timer is overdue when the loop runs again, before it polls
    await expect(call).resolves.toBe('answer');
  });

  it('still expires when no answer came', async () => {
    const clock = new RealClock();
    const never = new Promise<string>(() => undefined);
    const call = withDeadline(clock, never, clock.now() + 20, () => new Error('no answer by the deadline'));
    blockLoop(40);
    await expect(call).rejects.toThrow('no answer by the deadline');
  });
});
