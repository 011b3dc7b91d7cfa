import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openNotifySocket } from '../../src/service/notify-socket.ts';
import { requireTools } from '../protocols/support/external-tools.ts';
import { notifyReceiverEach } from './support/notify-receiver.ts';

const tools = requireTools('socat', 'perl');

describe.skipIf(tools.skip)('the sd_notify sender (perl) on a real UNIX datagram socket', () => {
  const startReceiver = notifyReceiverEach(tools);

  it('sends each message as one datagram, in order, its assignments one per line', async () => {
    const receiver = await startReceiver(mkdtempSync(join(tmpdir(), 'axisguard-notify-')));
    const problems: string[] = [];
    const socket = openNotifySocket(receiver.socketPath, (p) => problems.push(p));
    socket.send(['READY=1', 'STATUS=2/2 axes up: Standstill 2; jobs: 0 done, 0 parked, 1 open']);
    socket.send(['WATCHDOG=1']);
    socket.send(['WATCHDOG=1']);
    socket.send(['STOPPING=1', 'STATUS=stopping: SIGTERM received']);
    await socket.close();
    await receiver.waitFor((m) => m[0] === 'STOPPING=1');
    expect(receiver.messages).toEqual([
      ['READY=1', 'STATUS=2/2 axes up: Standstill 2; jobs: 0 done, 0 parked, 1 open'],
      ['WATCHDOG=1'],
      ['WATCHDOG=1'],
      ['STOPPING=1', 'STATUS=stopping: SIGTERM received'],
    ]);
    expect(problems).toEqual([]);
  });

  it('reaches a socket in the abstract namespace (NOTIFY_SOCKET=@name)', async () => {
    const receiver = await startReceiver(tmpdir(), `axisguard-test-${process.pid}`);
    const socket = openNotifySocket(receiver.socketPath, () => {});
    socket.send(['READY=1']);
    await socket.close();
    await expect(receiver.waitFor((m) => m[0] === 'READY=1')).resolves.toEqual(['READY=1']);
  });

  it('refuses a message that is not lines of NAME=value, before anything is sent', async () => {
    const receiver = await startReceiver(mkdtempSync(join(tmpdir(), 'axisguard-notify-')));
    const socket = openNotifySocket(receiver.socketPath, () => {});
    expect(() => socket.send(['STATUS=two\nlines'])).toThrow(RangeError);
    expect(() => socket.send(['ready'])).toThrow(RangeError);
    expect(() => socket.send([])).toThrow(RangeError);
    socket.send(['STATUS=fine']);
    await socket.close();
    await receiver.waitFor((m) => m[0] === 'STATUS=fine');
    expect(receiver.messages).toEqual([['STATUS=fine']]);
  });
});
