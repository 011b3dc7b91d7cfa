import sparkplugProto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { describe, expect, it } from 'vitest';
import { decodePayload, encodePayload } from '../../src/sparkplug/payload.ts';
import { describeMessage } from '../../src/sparkplug/host-tool.ts';

const { org } = sparkplugProto;

/** The issue asks to check how sparkplug-payload handles 64-bit and negative values before trusting it. */
describe('Sparkplug B payloads', () => {
  it('round-trips every type the node publishes: Int64 bdSeq as a number, a negative Int32, a Double, null, a String', () => {
    const sent = {
      timestamp: 1_764_950_000_123,
      seq: 255,
      metrics: [
        { name: 'bdSeq', type: 'Int64', value: 255 },
        { name: 'Alarm Code', type: 'Int32', value: -5 },
        { name: 'Position mm', type: 'Double', value: 123.456 },
        { name: 'Following Error mm', type: 'Double', value: null },
        { name: 'State', type: 'String', value: 'ErrorStop' },
        { name: 'Command/Hold', type: 'Boolean', value: false },
      ],
    } as const;
    expect(decodePayload(encodePayload(sent))).toEqual(sent);
  });

  it('marks a null value is_null on the wire, and stamps every metric with the payload time', () => {
    // The protobuf message itself, below the package's friendlier objects.
    const raw = org.eclipse.tahu.protobuf.Payload.decode(
      encodePayload({ timestamp: 42, metrics: [{ name: 'Position mm', type: 'Double', value: null }] }),
    );
    expect(raw.metrics[0]).toMatchObject({ name: 'Position mm', isNull: true, datatype: 10 });
    expect(Number(raw.metrics[0]?.timestamp)).toBe(42);
  });

  it('refuses bytes that are not a payload, and the shell watcher says so instead of crashing', () => {
    expect(() => decodePayload(Uint8Array.of(0xff, 0xff, 0xff))).toThrow();
    expect(describeMessage('spBv1.0/plant/DDATA/line-a/x1', Uint8Array.of(0xff, 0xff), 0)).toMatch(
      /^00:00:00\.000 DDATA plant\/line-a\/x1: not a Sparkplug B payload/,
    );
    expect(describeMessage('spBv1.0/STATE/scada', new TextEncoder().encode('{"online":true,"timestamp":1}'), 0)).toBe(
      '00:00:00.000 STATE scada: {"online":true,"timestamp":1}',
    );
  });
});
