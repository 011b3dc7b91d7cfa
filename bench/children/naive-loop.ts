import fs from 'node:fs';
import { ReadStream } from 'node:tty';
import { appendCrc, hasValidCrc } from '../../protocols/crc16.ts';
import { loadDriveProfile, statusBlockSpan } from '../../protocols/profile-schema.ts';
import { RealClock } from '../../src/common/clock.ts';

/**
 * Child process: `naive-loop.ts <port> <unit ids, comma-separated> <seconds>`, the floor of
 * cpu_ms_per_transaction: about the least a Node process can do per Modbus transaction. The same
 * FC03 of the kpower-generic status block to each unit in turn, back to back, as bytes made once
 * up front: one write to the port, the answer counted in as it arrives (its length is known),
 * its CRC checked, a 60 ms timer per request. No queue, no deadlines shared between callers, no
 * recovery after a bad answer, no keep-alive: what a supervisor adds on top is what this lacks.
 * The port is opened by serialport's native binding (termios, lock), as axisguard's and
 * modbus-serial's are; the bytes move through a tty stream on its descriptor, as axisguard's do.
 * Prints {"type":"start"} once open and {"type":"stop",...} with its counts before it exits.
 */
const [port, unitList, seconds] = process.argv.slice(2);
if (port === undefined || unitList === undefined || seconds === undefined) throw new Error('usage: naive-loop.ts <port> <units> <seconds>');
const units = unitList.split(',').map(Number);
/** The example line's per-call deadline, ms. */
const TIMEOUT_MS = 60;

const span = statusBlockSpan((await loadDriveProfile('kpower-generic')).registers)!;
const requests = units.map((unit) => appendCrc(Uint8Array.of(unit, 0x03, span.address >> 8, span.address & 0xff, 0, span.count)));
/** Unit, function, byte count, the registers, CRC. */
const answerBytes = 3 + 2 * span.count + 2;

const { autoDetect } = await import('@serialport/bindings-cpp');
const opened = (await autoDetect().open({
  path: port,
  baudRate: 115200,
  parity: 'even',
  stopBits: 1,
  dataBits: 8,
  lock: true,
})) as unknown as {
  fd: number;
  poller: { destroy(): void };
};
opened.poller.destroy(); // the stream below watches the descriptor
const fd = opened.fd;
const clock = new RealClock();
const endMs = clock.now() + Number(seconds) * 1000;
const answer = new Uint8Array(answerBytes);
let received = 0;
let next = 0;
let answered = 0;
let failed = 0;
let timer: NodeJS.Timeout | undefined;

function sendNext(): void {
  if (clock.now() >= endMs) {
    process.stdout.write(`${JSON.stringify({ type: 'stop', atMs: clock.now(), answered, failed })}\n`);
    stream.destroy();
    return;
  }
  received = 0;
  fs.writeSync(fd, requests[next]!);
  timer = setTimeout(() => settle(false), TIMEOUT_MS);
}

function settle(ok: boolean): void {
  clearTimeout(timer);
  if (ok) answered++;
  else failed++;
  next = (next + 1) % requests.length;
  sendNext();
}

const onread = {
  buffer: Buffer.alloc(4096),
  callback: (bytes: number, buffer: Uint8Array): void => {
    const take = Math.min(bytes, answerBytes - received);
    answer.set(buffer.subarray(0, take), received);
    received += take;
    if (received === answerBytes) settle(hasValidCrc(answer));
  },
};
// `onread` is net.Socket's option (tty.ReadStream passes it on); @types/node lacks it on ReadStream.
const stream = new ReadStream(fd, { onread } as ConstructorParameters<typeof ReadStream>[1]);
stream.resume();
process.stdout.write(`${JSON.stringify({ type: 'start', atMs: clock.now() })}\n`);
sendNext();
