import { Duplex } from 'node:stream';
import { serialPortOpener } from '../../protocols/serial-link.ts';
import type { Clock } from '../common/clock.ts';
import type { OpenSerialStream } from '../console/console-host.ts';

/**
 * The console's serial port, 8N1, through the project's one serialport wrapper. Writes are done
 * when the OS has the bytes, so `writableLength` grows while the terminal (or its flow control)
 * holds the line up: the session's output cap sees a slow terminal.
 */
export function serialStreamOpener(clock: Clock): OpenSerialStream {
  const open = serialPortOpener(clock);
  return async (path, baudRate) => {
    let stream: Duplex | undefined;
    const link = await open(
      { path, baudRate, parity: 'none', stopBits: 1 },
      {
        onData: (chunk) => stream?.push(Buffer.from(chunk)),
        onLost: (error) => stream?.destroy(error),
      },
    );
    stream = new Duplex({
      read: () => undefined,
      write: (chunk: Buffer, _encoding, done) => {
        link.write(chunk).then(() => done(), done);
      },
      destroy: (error, done) => {
        link.close().then(() => done(error), done);
      },
    });
    return stream;
  };
}
