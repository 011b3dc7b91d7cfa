import sparkplugPayload from 'sparkplug-payload';

/**
 * Sparkplug B payloads (protobuf), through Eclipse Tahu's `sparkplug-payload`: the encoding the
 * spec's own reference implementation uses, so hosts such as Ignition read exactly what it wrote.
 * Only the few metric types axisguard publishes; values come back as plain numbers (the package
 * decodes 64-bit fields to Long objects).
 */

const codec = sparkplugPayload.get('spBv1.0')!;

/** The Sparkplug data types axisguard publishes (bdSeq is Int64, as Sparkplug 3.0 says). */
export type MetricType = 'Int32' | 'Int64' | 'Double' | 'Boolean' | 'String';
export type MetricValue = number | boolean | string | null;

export interface Metric {
  readonly name: string;
  readonly type: MetricType;
  /** null: is_null (a position not read yet, say). */
  readonly value: MetricValue;
}

export interface Payload {
  /** UTC ms since the epoch: when the message is sent. */
  readonly timestamp: number;
  /** 0-255; absent only in NDEATH. */
  readonly seq?: number;
  readonly metrics: readonly Metric[];
}

/** A metric as a host sent it: the type when it gave one, the value decoded. */
export interface ReceivedMetric {
  readonly name: string | undefined;
  readonly type: string | undefined;
  readonly value: MetricValue | undefined;
}

export interface ReceivedPayload {
  readonly timestamp: number | undefined;
  readonly seq: number | undefined;
  readonly metrics: readonly ReceivedMetric[];
}

/** Every metric carries its own timestamp too (Sparkplug 3.0: births and data). */
export function encodePayload(payload: Payload): Uint8Array {
  return codec.encodePayload({
    timestamp: payload.timestamp,
    ...(payload.seq === undefined ? {} : { seq: payload.seq }),
    metrics: payload.metrics.map((m) => ({ name: m.name, type: m.type, value: m.value, timestamp: payload.timestamp })),
  });
}

/** Decodes a payload; throws on bytes that are not one (the caller refuses the message, naming why). */
export function decodePayload(bytes: Uint8Array): ReceivedPayload {
  const decoded = codec.decodePayload(bytes);
  return {
    timestamp: plain(decoded.timestamp) as number | undefined,
    seq: plain(decoded.seq) as number | undefined,
    metrics: (decoded.metrics ?? []).map((m) => ({
      name: m.name ?? undefined,
      type: typeof m.type === 'string' ? m.type : undefined,
      value: plain(m.value),
    })),
  };
}

/** A Long (64-bit field) as a number; other values as they are. */
function plain(value: unknown): MetricValue | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'object' && 'toNumber' in value && typeof value.toNumber === 'function') return (value.toNumber as () => number)();
  return undefined;
}
