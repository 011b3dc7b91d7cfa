import { describe, expect, it } from 'vitest';
import { PortClosedError } from '../../protocols/errors.ts';
import type { OpenSerialLink } from '../../protocols/serial-link.ts';
import { VirtualClock } from '../../src/common/virtual-clock.ts';
import { openBus } from '../../src/compose/buses.ts';
import { FakeSerialLine } from '../protocols/support/fake-serial-line.ts';
import type { BusEvent } from '../../src/events/events.ts';

const RTU = {
  id: 'line1',
  type: 'rtu' as const,
  path: '/dev/fake',
  baudRate: 115_200,
  parity: 'even' as const,
  stopBits: 1 as const,
  slackMs: 20,
};

describe('an RTU bus keeps its port open', () => {
  it('reopens a lost port with a doubling backoff and reports each step', async () => {
    const clock = new VirtualClock();
    const line = new FakeSerialLine();
    let plugged = true;
    const opener: OpenSerialLink = (options, handlers) =>
      plugged ? line.opener(options, handlers) : Promise.reject(new PortClosedError('no such port'));
    const bus = openBus(RTU, clock, opener);
    const events: BusEvent[] = [];
    bus.onEvent((e) => events.push(e));
    await bus.start();
    expect(events.map((e) => e.state)).toEqual(['open']);

    // The adapter is pulled at 100 ms and comes back 1.2 s later.
    await clock.advanceTo(100);
    plugged = false;
    line.unplug();
    await clock.advanceTo(1_300);
    plugged = true;
    await clock.advanceTo(5_000);
    expect(events.map((e) => [e.state, e.atMs, e.retryInMs])).toEqual([
      ['open', 0, undefined],
      ['lost', 100, 500],
      ['open_failed', 600, 1_000],
      ['open', 1_600, undefined],
    ]);
    expect(line.opens).toBe(2);
    // Reads work again after the reopen.
    line.onWrite = () => queueMicrotask(() => line.receive(Uint8Array.of(0x01, 0x03, 0x02, 0x00, 0x07, 0xf9, 0x86)));
    const read = bus.master.readHoldingRegisters(1, 0, 1, { deadlineMs: clock.now() + 50 });
    await clock.advanceBy(1);
    await expect(read).resolves.toEqual([7]);
    await bus.close();
  });

  it('keeps trying when the port is missing at start, without blocking the start', async () => {
    const clock = new VirtualClock();
    const bus = openBus(RTU, clock, () => Promise.reject(new PortClosedError('no such port')));
    const events: BusEvent[] = [];
    bus.onEvent((e) => events.push(e));
    await bus.start();
    await clock.advanceTo(4_000);
    expect(events.map((e) => [e.state, e.atMs])).toEqual([
      ['open_failed', 0],
      ['open_failed', 500],
      ['open_failed', 1_500],
      ['open_failed', 3_500],
    ]);
    await bus.close();
  });
});
