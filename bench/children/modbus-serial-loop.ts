import modbusSerial from 'modbus-serial';
import { loadDriveProfile, statusBlockSpan } from '../../protocols/profile-schema.ts';
import { RealClock } from '../../src/common/clock.ts';

/**
 * Child process: `modbus-serial-loop.ts <port> <unit ids, comma-separated> <seconds>`, the peer of
 * cpu_ms_per_transaction. A plain modbus-serial polling loop, as an application would write it: one
 * FC03 of the kpower-generic status block to each unit in turn, back to back, for `seconds`.
 * Prints {"type":"start"} once connected and {"type":"stop",...} with its counts before it exits,
 * the events the realtime-line harness waits for.
 */
const [port, unitList, seconds] = process.argv.slice(2);
if (port === undefined || unitList === undefined || seconds === undefined)
  throw new Error('usage: modbus-serial-loop.ts <port> <units> <seconds>');
const units = unitList.split(',').map(Number);
// CommonJS: Node hands module.exports, the client class, over as the default import; its typings call the class `default`.
const ModbusRTU = modbusSerial as unknown as typeof modbusSerial.default;
/** The example line's per-call deadline, ms. */
const TIMEOUT_MS = 60;

const profile = await loadDriveProfile('kpower-generic');
const span = statusBlockSpan(profile.registers)!;
const clock = new RealClock();
const client = new ModbusRTU();
await client.connectRTUBuffered(port, { baudRate: 115200, parity: 'even' });
client.setTimeout(TIMEOUT_MS);
process.stdout.write(`${JSON.stringify({ type: 'start', atMs: clock.now() })}\n`);

const endMs = clock.now() + Number(seconds) * 1000;
let answered = 0;
let failed = 0;
while (clock.now() < endMs) {
  for (const unit of units) {
    client.setID(unit);
    try {
      await client.readHoldingRegisters(span.address, span.count);
      answered++;
    } catch {
      failed++;
    }
  }
}
process.stdout.write(`${JSON.stringify({ type: 'stop', atMs: clock.now(), answered, failed })}\n`);
await new Promise((resolve) => client.close(resolve));
