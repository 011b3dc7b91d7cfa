import { describe, expect, it } from 'vitest';
import { hasValidCrc } from '../../../protocols/crc16.ts';
import { encodeRequest, type ModbusRequest } from '../../../protocols/pdu.ts';
import { encodeRtuAdu } from '../../../protocols/rtu-framer.ts';
import { FakeSerialLine } from '../../protocols/support/fake-serial-line.ts';
import { BITS_PROFILE } from './support/profiles.ts';
import { simOnVirtualClock } from './support/sim-harness.ts';

const READ_STATUS: ModbusRequest = { kind: 'readHoldingRegisters', address: 0, count: 2 };

/** Units 1 and 2 behind an in-memory serial line at 9600 baud, no parity (10 bits per character). */
async function simOnFakeLine(wireTime = false) {
  const sim = simOnVirtualClock(BITS_PROFILE, [1, 2]);
  const line = new FakeSerialLine();
  await sim.server.attachSerial({ path: 'fake', baudRate: 9600, parity: 'none', wireTime, openLink: line.opener });
  /** Sends a request and lets the server work for `ms` of virtual time; returns what it wrote back. */
  const exchange = async (unitId: number, request: ModbusRequest = READ_STATUS, ms = 1): Promise<Uint8Array[]> => {
    const before = line.written.length;
    line.receive(encodeRtuAdu(unitId, encodeRequest(request)));
    await sim.clock.advanceBy(ms);
    return line.written.slice(before);
  };
  return { ...sim, line, exchange };
}

const answer = (unitId: number, ...pdu: number[]) => [encodeRtuAdu(unitId, Uint8Array.from(pdu))];

describe('SimServer on an RTU line', () => {
  it('answers each unit from its own image', async () => {
    const { server, exchange } = await simOnFakeLine();
    server.inject(2, { kind: 'alarm', code: 9 });
    await expect(exchange(1)).resolves.toEqual(answer(1, 0x03, 4, 0, 0, 0, 0b1001));
    await expect(exchange(2)).resolves.toEqual(answer(2, 0x03, 4, 0, 0, 0, 0b1000_1000));
  });

  it('delays each answer by the wire time of request and answer at the baud rate', async () => {
    const { exchange, line, clock } = await simOnFakeLine(true);
    // 8 request + 9 answer bytes x 10 bits at 9600 baud = 17.7 ms
    await expect(exchange(1, READ_STATUS, 17)).resolves.toEqual([]);
    await clock.advanceBy(1);
    expect(line.written).toHaveLength(1);
  });

  it('drops every request of a silent unit, unanswered and unexecuted, and its watchdog holds the axis', async () => {
    const { server, exchange, drive, clock } = await simOnFakeLine();
    await exchange(1, { kind: 'writeSingleRegister', address: 16, value: 100 });
    await exchange(1, { kind: 'writeSingleRegister', address: 0, value: 1 });
    server.inject(1, { kind: 'silent' });
    await expect(exchange(1, { kind: 'writeSingleRegister', address: 0, value: 0 })).resolves.toEqual([]);
    expect(drive(1).peekStatus().enabled).toBe(true);
    await clock.advanceBy(150);
    expect(server.stats(1)).toMatchObject({ requests: 3, answered: 2, dropped: 1, watchdogHolds: 1 });
    await expect(exchange(2)).resolves.toHaveLength(1);
  });

  it('delays answers of a slow unit by its latency', async () => {
    const { server, exchange, clock, line } = await simOnFakeLine();
    server.inject(1, { kind: 'slow', latencyMs: 40 });
    await expect(exchange(1, READ_STATUS, 39)).resolves.toEqual([]);
    await clock.advanceBy(1);
    expect(line.written).toHaveLength(1);
  });

  it('loses a seeded share of requests to a dropout fault', async () => {
    const { server, exchange } = await simOnFakeLine();
    server.inject(1, { kind: 'dropout', probability: 0.5 });
    for (let i = 0; i < 200; i++) await exchange(1);
    const { dropped, answered } = server.stats(1);
    expect(dropped + answered).toBe(200);
    expect(dropped).toBeGreaterThan(70);
    expect(dropped).toBeLessThan(130);
  });

  it('corrupts the CRC of answers, precedes them with garbage, and counts both', async () => {
    const { server, exchange } = await simOnFakeLine();
    server.inject(1, { kind: 'crc', probability: 1 });
    const [corrupted] = await exchange(1);
    expect(hasValidCrc(corrupted!, 0, corrupted!.length)).toBe(false);
    server.clear(1, 'crc');
    server.inject(1, { kind: 'garbage', probability: 1 });
    const [withGarbage] = await exchange(1);
    const good = answer(1, 0x03, 4, 0, 0, 0, 0b1001)[0]!;
    expect(withGarbage!.length).toBeGreaterThan(good.length);
    expect([...withGarbage!.slice(-good.length)]).toEqual([...good]);
    expect(server.stats(1)).toMatchObject({ crcCorrupted: 1, garbageBursts: 1, answered: 2 });
  });

  it('refuses every request with an injected exception code and executes nothing, until cleared', async () => {
    const { server, exchange, drive, events } = await simOnFakeLine();
    server.inject(1, { kind: 'exception', code: 6 });
    await expect(exchange(1, { kind: 'writeSingleRegister', address: 0, value: 1 })).resolves.toEqual(answer(1, 0x86, 6));
    expect(drive(1).peekStatus().enabled).toBe(false);
    expect(server.clear(1)).toEqual([{ spec: { kind: 'exception', code: 6 }, sinceMs: 0 }]);
    await expect(exchange(1, { kind: 'writeSingleRegister', address: 0, value: 1 })).resolves.toEqual(answer(1, 0x06, 0, 0, 0, 1));
    expect(events.map((e) => e.type)).toEqual(['fault_injected', 'fault_cleared', 'command']);
  });

  it('a jammed axis does not follow its setpoint; clearing the jam lets it move again', async () => {
    const { server, drive, clock } = await simOnFakeLine();
    drive(1).execute({ op: 'enable' });
    server.inject(1, { kind: 'jam' });
    drive(1).execute({ op: 'moveTo', targetMm: 10, speedMmPerS: 100 });
    await clock.advanceBy(100);
    expect(drive(1).peekStatus().positionMm).toBe(0);
    expect(server.faults(1).map((f) => f.spec.kind)).toEqual(['jam']);
    server.clear(1, 'jam');
    await clock.advanceBy(100);
    expect(drive(1).peekStatus().positionMm).toBeGreaterThan(0);
  });

  it('refuses a bad fault spec and an unknown unit with a RangeError', async () => {
    const { server } = await simOnFakeLine();
    expect(() => server.inject(1, { kind: 'crc', probability: 2 })).toThrow(RangeError);
    expect(() => server.inject(1, { kind: 'exception', code: 0 })).toThrow(RangeError);
    expect(() => server.inject(9, { kind: 'jam' })).toThrow(/no simulated unit 9/);
  });
});

describe('request gaps on the wire while the watchdog is armed', () => {
  it('keeps the longest gap and when it ended, so a log can be searched at that instant', async () => {
    const { server, exchange, clock } = await simOnFakeLine();
    // Arms unit 1's comm-loss watchdog (100 ms): gaps count from here on.
    await exchange(1, { kind: 'writeSingleRegister', address: BITS_PROFILE.registers.commLossTimeout.address, value: 100 });
    await exchange(1, READ_STATUS, 20);
    await exchange(1, READ_STATUS, 69);
    const gapEndMs = clock.now();
    await exchange(1, READ_STATUS, 20);
    expect(server.stats(1)).toMatchObject({ longestRequestGapMs: 69, longestRequestGapEndedAtMs: gapEndMs });
  });
});
