import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import sparkplugPayload from 'sparkplug-payload';
import { describe, expect, it } from 'vitest';
import { eventsOf, gate, plantRigEach, until } from './support/plant-rig.ts';

/**
 * Issue #13 against a real broker: `axisguard run` as a Sparkplug B edge node on a Mosquitto started
 * here on loopback, watched and commanded by a host written in the test with MQTT.js and Eclipse
 * Tahu's payload codec (not the node's own code).
 */

const codec = sparkplugPayload.get('spBv1.0')!;

interface Seen {
  readonly topic: string;
  readonly qos: number;
  readonly retain: boolean;
  readonly seq: number | undefined;
  readonly metrics: ReadonlyMap<string, unknown>;
}

const num = (v: unknown): unknown =>
  typeof v === 'object' && v !== null && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : v;

/** A Sparkplug host: subscribes to the whole namespace and decodes what it gets. */
async function host(
  url: string,
): Promise<{ seen: Seen[]; client: mqtt.MqttClient; command(topic: string, name: string, value: boolean | string): void }> {
  const client = await mqtt.connectAsync(url, { clientId: `test-host-${process.pid}`, clean: true, reconnectPeriod: 200 });
  const seen: Seen[] = [];
  client.on('message', (topic, payload, packet) => {
    if (topic.startsWith('spBv1.0/STATE/')) return;
    const decoded = codec.decodePayload(payload);
    seen.push({
      topic,
      qos: packet.qos,
      retain: packet.retain,
      seq: decoded.seq === undefined || decoded.seq === null ? undefined : (num(decoded.seq) as number),
      metrics: new Map((decoded.metrics ?? []).map((m) => [m.name!, num(m.value)])),
    });
  });
  await client.subscribeAsync('spBv1.0/#', { qos: 1 });
  const command = (topic: string, name: string, value: boolean | string) =>
    client.publish(
      topic,
      Buffer.from(
        codec.encodePayload({ timestamp: Date.now(), metrics: [{ name, type: typeof value === 'boolean' ? 'Boolean' : 'String', value }] }),
      ),
    );
  return { seen, client, command };
}

function lineConfig(dir: string, url: string, extra = ''): string {
  const path = join(dir, 'line.yaml');
  const axis = (id: string) =>
    `  - { id: ${id}, driver: { type: simulated }, limits: { minMm: 0, maxMm: 600, maxSpeedMmPerS: 200, maxAccelMmPerS2: 1000 } }`;
  const job = (id: string, axis: string) =>
    `  - { id: ${id}, axis: ${axis}, moves: [{ positionMm: 400, speedMmPerS: 200 }, { positionMm: 20, speedMmPerS: 200 }] }`;
  writeFileSync(
    path,
    [
      'line: cell1',
      'cycle: { periodMs: 10, warmupMs: 200 }',
      'axes:',
      axis('ax1'),
      axis('ax2'),
      'jobs:',
      job('j1', 'ax1'),
      job('j2', 'ax2'),
      'mqtt:',
      `  servers: ["${url}"]`,
      '  groupId: plant',
      '  minIntervalMs: 50',
      extra,
    ].join('\n'),
  );
  return path;
}

describe.skipIf(gate.skip)('Sparkplug B over a real Mosquitto broker', () => {
  const { dir, cleanup, broker, supervise } = plantRigEach('axisguard-mqtt-');

  it('births the node and every axis, reports by exception, takes a host hold, refuses a release it was not allowed, and dies with NDEATH', async () => {
    const b = await broker();
    const h = await host(b.url);
    cleanup(() => h.client.endAsync());
    const run = supervise(lineConfig(dir(), b.url), ['--until', 'never', '--duration', '7']);

    await until('NBIRTH and two DBIRTHs', () => h.seen.filter((s) => s.topic.includes('BIRTH')).length >= 3);
    const [nbirth, d1, d2] = h.seen;
    expect(nbirth).toMatchObject({ topic: 'spBv1.0/plant/NBIRTH/cell1', seq: 0, retain: false });
    expect(nbirth!.metrics.get('bdSeq')).toBe(0);
    expect(nbirth!.metrics.get('Node Control/Rebirth')).toBe(false);
    expect([d1, d2].map((d) => `${d!.topic} ${d!.seq}`)).toEqual(['spBv1.0/plant/DBIRTH/cell1/ax1 1', 'spBv1.0/plant/DBIRTH/cell1/ax2 2']);

    await until('ax1 moving in DDATA', () =>
      h.seen.some((s) => s.topic.endsWith('DDATA/cell1/ax1') && s.metrics.get('State') === 'DiscreteMotion'),
    );
    h.command('spBv1.0/plant/DCMD/cell1/ax1', 'Command/Hold', true);
    await until('the hold journalled', () => eventsOf(run, 'host_command').length === 1);
    h.command('spBv1.0/plant/DCMD/cell1/ax1', 'Command/Release', true);
    expect(await run.exit).toBe(3); // ax1's job was interrupted by the hold: work left, never reported as success

    expect(eventsOf(run, 'host_command').map((e) => `${e.command} ${e.axis} ${e.outcome}`)).toEqual(['hold ax1 ok', 'release ax1 refused']);
    const holdAt = eventsOf(run, 'hold').find((e) => e.axis === 'ax1' && e.cause === 'operator')!.atMs as number;
    expect(eventsOf(run, 'axis_state').filter((e) => e.axis === 'ax1' && e.to === 'DiscreteMotion' && (e.atMs as number) > holdAt)).toEqual(
      [],
    );
    expect(eventsOf(run, 'job_done').map((e) => e.job)).toEqual(['j2']);

    await until('NDEATH', () => h.seen.some((s) => s.topic === 'spBv1.0/plant/NDEATH/cell1'));
    const death = h.seen.find((s) => s.topic === 'spBv1.0/plant/NDEATH/cell1')!;
    expect(death).toMatchObject({ qos: 1, retain: false, seq: undefined });
    expect(death.metrics.get('bdSeq')).toBe(0);
    // One seq per message of the session, 0, 1, 2, ... (wrapping at 256), until the NDEATH.
    const numbered = h.seen.filter((s) => s.seq !== undefined);
    expect(numbered.map((s) => s.seq)).toEqual(numbered.map((_, i) => i % 256));
    expect(
      h.seen.some((s) => s.topic.endsWith('DDATA/cell1/ax1') && String(s.metrics.get('Command/Last Result')).startsWith('refused')),
    ).toBe(true);
  }, 30_000);

  it('on kill -9 the broker publishes the Will: NDEATH with the bdSeq of the NBIRTH', async () => {
    const b = await broker();
    const h = await host(b.url);
    cleanup(() => h.client.endAsync());
    const run = supervise(lineConfig(dir(), b.url), ['--until', 'never', '--duration', '30']);
    await until('NBIRTH', () => h.seen.some((s) => s.topic.endsWith('NBIRTH/cell1')));
    run.child.kill('SIGKILL');
    await until('NDEATH from the Will', () => h.seen.some((s) => s.topic.endsWith('NDEATH/cell1')));
    const birth = h.seen.find((s) => s.topic.endsWith('NBIRTH/cell1'))!;
    const death = h.seen.find((s) => s.topic.endsWith('NDEATH/cell1'))!;
    expect(death.metrics.get('bdSeq')).toBe(birth.metrics.get('bdSeq'));
    expect(death.qos).toBe(1);
  }, 30_000);

  it('a broker that goes away costs the line nothing: every job done, the node re-births with the next bdSeq once it is back', async () => {
    const b = await broker();
    const run = supervise(lineConfig(dir(), b.url), ['--duration', '20']);
    await until('online', () => eventsOf(run, 'mqtt').some((e) => e.state === 'online'));
    await b.stop();
    await until('disconnected', () => eventsOf(run, 'mqtt').some((e) => e.state === 'disconnected'));
    await b.restart();
    await until('online again', () => eventsOf(run, 'mqtt').some((e) => e.state === 'online' && e.bdSeq === 1), 15_000);
    const h = await host(b.url);
    cleanup(() => h.client.endAsync());
    h.command('spBv1.0/plant/NCMD/cell1', 'Node Control/Rebirth', true);
    await until('NBIRTH on request', () => h.seen.some((s) => s.topic.endsWith('NBIRTH/cell1')));
    expect(h.seen.find((s) => s.topic.endsWith('NBIRTH/cell1'))!.metrics.get('bdSeq')).toBe(1);
    expect(await run.exit).toBe(0);
    expect(
      eventsOf(run, 'job_done')
        .map((e) => e.job)
        .sort(),
    ).toEqual(['j1', 'j2']);
    expect(eventsOf(run, 'trip')).toEqual([]);
  }, 40_000);
});
