import { describe, expect, it } from 'vitest';
import { edgeLineOf } from '../../src/compose/line-edge-node.ts';
import { parseConfig } from '../../src/config/index.ts';
import type { MqttEvent } from '../../src/events/events.ts';
import { EdgeNode, type BrokerHandlers, type BrokerSession, type ConnectBroker } from '../../src/sparkplug/edge-node.ts';
import { decodePayload, encodePayload, type ReceivedPayload } from '../../src/sparkplug/payload.ts';
import { lineYaml, simAxis, startLine, type LineHarness } from '../support/line-harness.ts';

interface Published {
  readonly topic: string;
  readonly qos: 0 | 1;
  readonly payload: ReceivedPayload;
}

/** One broker session as the edge node opened it: what it published and subscribed, and its Will. */
class FakeSession implements BrokerSession {
  readonly published: Published[] = [];
  readonly subscribed: string[] = [];
  ended = false;

  constructor(
    readonly server: string,
    readonly will: { readonly topic: string; readonly payload: ReceivedPayload },
    readonly handlers: BrokerHandlers,
  ) {}

  publish(topic: string, payload: Uint8Array, qos: 0 | 1): void {
    this.published.push({ topic, qos, payload: decodePayload(payload) });
  }

  subscribe(topics: readonly string[]): void {
    this.subscribed.push(...topics);
  }

  async end(): Promise<void> {
    this.ended = true;
  }

  /** A host's command, as the broker would deliver it. */
  command(topic: string, metrics: { name: string; type: 'Boolean' | 'String'; value: boolean | string }[]): void {
    this.handlers.onMessage(topic, encodePayload({ timestamp: Date.now(), metrics }));
  }

  state(hostId: string, online: boolean, timestamp: number): void {
    this.handlers.onMessage(`spBv1.0/STATE/${hostId}`, new TextEncoder().encode(JSON.stringify({ online, timestamp })));
  }

  /** Names of the metrics in the messages on `type` (e.g. DDATA/g/n/a). */
  of(type: string): Published[] {
    return this.published.filter((p) => p.topic.split('/')[2] === type);
  }
}

class FakeBroker {
  readonly sessions: FakeSession[] = [];
  readonly connect: ConnectBroker = (server, will, handlers) => {
    const session = new FakeSession(server, { topic: will.topic, payload: decodePayload(will.payload) }, handlers);
    this.sessions.push(session);
    return session;
  };

  get current(): FakeSession {
    return this.sessions.at(-1)!;
  }
}

const metric = (p: Published, name: string) => p.payload.metrics.find((m) => m.name === name)?.value;

interface Rig {
  readonly h: LineHarness;
  readonly broker: FakeBroker;
  readonly node: EdgeNode;
  readonly events: MqttEvent[];
}

function rig(mqtt: string, faults?: string): Rig {
  const yaml = `${lineYaml({
    axes: `${simAxis('a')}\n${simAxis('b')}`,
    jobs: [
      '  - id: ja\n    axis: a\n    moves:\n      - { positionMm: 300, speedMmPerS: 200 }\n      - { positionMm: 10, speedMmPerS: 200 }\n      - { positionMm: 300, speedMmPerS: 200 }\n',
      '  - id: jb\n    axis: b\n    moves:\n      - { positionMm: 200, speedMmPerS: 100 }\n',
    ].join(''),
    ...(faults ? { faults } : {}),
  })}\nmqtt:\n${mqtt}`;
  const h = startLine(yaml);
  const parsed = parseConfig(yaml, 'test.yaml');
  const broker = new FakeBroker();
  const events: MqttEvent[] = [];
  const node = new EdgeNode({
    config: parsed.mqtt!,
    connect: broker.connect,
    clock: h.clock,
    wallMs: () => 1_700_000_000_000 + h.clock.now(),
    emit: (e) => events.push(e),
    line: edgeLineOf(h.line.supervisor, parsed.axes),
  });
  node.start();
  return { h, broker, node, events };
}

const BASIC = '  servers: [mqtt://127.0.0.1:1883, mqtt://127.0.0.1:1884]\n  groupId: plant\n  edgeNodeId: line1\n  minIntervalMs: 20\n';

/** A rig connected to its broker, axis a already moving; `s` is the broker session. */
async function connectedWithAMoving(mqtt: string) {
  const r = rig(mqtt);
  const s = r.broker.current;
  s.handlers.onConnect();
  expect(await r.h.runUntil(() => r.h.line.supervisor.axisDetail('a').snapshot.state === 'DiscreteMotion')).toBe(true);
  return { ...r, s };
}

/** Every seq the node published in `session`, in order (NDEATH has none). */
const seqs = (session: FakeSession) => session.published.filter((p) => p.payload.seq !== undefined).map((p) => p.payload.seq!);

describe('the Sparkplug B edge node', () => {
  it('connects with its NDEATH as the Will, subscribes before it births, then births the node (seq 0) and every axis', async () => {
    const { h, broker } = rig(BASIC);
    const s = broker.current;
    expect(s.server).toBe('mqtt://127.0.0.1:1883');
    expect(s.will.topic).toBe('spBv1.0/plant/NDEATH/line1');
    expect(s.will.payload.metrics).toEqual([{ name: 'bdSeq', type: 'Int64', value: 0 }]);
    expect(s.will.payload.seq).toBeUndefined();
    expect(s.published).toEqual([]);
    s.handlers.onConnect();
    expect(s.subscribed).toEqual(['spBv1.0/plant/NCMD/line1', 'spBv1.0/plant/DCMD/line1/a', 'spBv1.0/plant/DCMD/line1/b']);
    expect(s.published.map((p) => `${p.topic} ${p.payload.seq}`)).toEqual([
      'spBv1.0/plant/NBIRTH/line1 0',
      'spBv1.0/plant/DBIRTH/line1/a 1',
      'spBv1.0/plant/DBIRTH/line1/b 2',
    ]);
    const [nbirth, dbirth] = s.published;
    expect(metric(nbirth!, 'bdSeq')).toBe(0);
    expect(metric(nbirth!, 'Node Control/Rebirth')).toBe(false);
    expect(metric(nbirth!, 'Line/Jobs Queued')).toBeTypeOf('number');
    expect(dbirth!.payload.metrics.map((m) => m.name)).toEqual(
      expect.arrayContaining([
        'State',
        'Breaker',
        'Position mm',
        'Following Error mm',
        'Following Error Window mm',
        'Alarm Code',
        'Job',
        'Health',
        'Command/Hold',
      ]),
    );
    expect(s.published.every((p) => p.qos === 0)).toBe(true);
    expect(await h.runUntil(() => s.of('DDATA').length > 20)).toBe(true);
    // Report by exception: data carries only metrics that appeared in the birth, and only what changed.
    const born = new Set(dbirth!.payload.metrics.map((m) => m.name));
    expect(s.of('DDATA').every((p) => p.payload.metrics.length > 0 && p.payload.metrics.every((m) => born.has(m.name!)))).toBe(true);
    await h.stop();
  });

  it('numbers every message of a session 0-255 and wraps', async () => {
    const { h, broker } = rig(BASIC);
    broker.current.handlers.onConnect();
    expect(await h.runUntil(() => seqs(broker.current).length > 280, 600_000)).toBe(true);
    const numbers = seqs(broker.current);
    expect(numbers).toEqual(numbers.map((_, i) => i % 256));
    await h.stop();
  });

  it('sends DDEATH for an axis whose drive went silent, and DBIRTH once it answers and its breaker closed', async () => {
    const { h, broker } = rig(BASIC, '    - { axis: b, atMs: 300, clearAtMs: 1200, fault: { kind: silent } }\n');
    const s = broker.current;
    s.handlers.onConnect();
    expect(await h.runUntil(() => s.published.some((p) => p.topic === 'spBv1.0/plant/DDEATH/line1/b'))).toBe(true);
    const death = s.published.find((p) => p.topic.endsWith('DDEATH/line1/b'))!;
    expect(death.payload.metrics).toEqual([]);
    expect(death.payload.seq).toBeTypeOf('number');
    expect(await h.runUntil(() => s.of('DBIRTH').filter((p) => p.topic.endsWith('/b')).length === 2, 30_000)).toBe(true);
    const rebirth = s.of('DBIRTH').filter((p) => p.topic.endsWith('/b'))[1]!;
    expect(metric(rebirth, 'Breaker')).toBe('closed');
    // No data for b between its death and its new birth.
    const between = s.published.slice(s.published.indexOf(death), s.published.indexOf(rebirth));
    expect(between.filter((p) => p.topic.endsWith('DDATA/line1/b'))).toEqual([]);
    await h.stop();
  });

  it('re-births on the same session and bdSeq when a host asks; a new session gets the next bdSeq on the next server', async () => {
    const { h, broker, events } = rig(BASIC);
    const first = broker.current;
    first.handlers.onConnect();
    expect(await h.runUntil(() => seqs(first).length > 5)).toBe(true);
    first.command('spBv1.0/plant/NCMD/line1', [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }]);
    const births = first.of('NBIRTH');
    expect(births).toHaveLength(2);
    expect(births[1]!.payload.seq).toBe(0);
    expect(metric(births[1]!, 'bdSeq')).toBe(0);
    expect(events.filter((e) => e.type === 'host_command')).toEqual([expect.objectContaining({ command: 'rebirth', outcome: 'ok' })]);

    first.handlers.onClose('connection reset');
    expect(await h.runUntil(() => broker.sessions.length === 2)).toBe(true);
    const second = broker.current;
    expect(second.server).toBe('mqtt://127.0.0.1:1884');
    expect(second.will.payload.metrics[0]!.value).toBe(1);
    second.handlers.onConnect();
    expect(metric(second.of('NBIRTH')[0]!, 'bdSeq')).toBe(1);
    expect(events.map((e) => e.type === 'mqtt' && `${e.state} ${e.bdSeq}`).filter(Boolean)).toEqual([
      'connecting 0',
      'connected 0',
      'online 0',
      'online 0',
      'disconnected 0',
      'connecting 1',
      'connected 1',
      'online 1',
    ]);
    await h.stop();
  });

  it('with a primary host: births only after its STATE online, ignores an older STATE, and leaves for the next server when it goes offline', async () => {
    const { h, broker, events } = rig(`${BASIC}  primaryHostId: scada\n`);
    const s = broker.current;
    s.handlers.onConnect();
    expect(s.subscribed).toContain('spBv1.0/STATE/scada');
    expect(s.published).toEqual([]);
    s.state('other-host', true, 1000);
    expect(s.published).toEqual([]);
    s.state('scada', true, 2000);
    expect(s.of('NBIRTH')).toHaveLength(1);
    s.state('scada', false, 1500); // the Will of an older host session: changes nothing
    expect(s.ended).toBe(false);
    s.state('scada', false, 2500);
    expect(s.ended).toBe(true);
    const death = s.published.at(-1)!;
    expect(death).toMatchObject({ topic: 'spBv1.0/plant/NDEATH/line1', qos: 1 });
    expect(death.payload.metrics).toEqual([{ name: 'bdSeq', type: 'Int64', value: 0 }]);
    expect(events.some((e) => e.type === 'mqtt' && e.state === 'host_offline')).toBe(true);
    expect(await h.runUntil(() => broker.sessions.length === 2)).toBe(true);
    expect(broker.current.server).toBe('mqtt://127.0.0.1:1884');
    expect(broker.current.will.payload.metrics[0]!.value).toBe(1);
    await h.stop();
  });

  it('takes hold from a host always, release only when mqtt.commands lists it, and refuses what it does not know; each journalled', async () => {
    const { h, s, events } = await connectedWithAMoving(BASIC);
    s.command('spBv1.0/plant/DCMD/line1/a', [{ name: 'Command/Hold', type: 'Boolean', value: true }]);
    expect(await h.runUntil(() => events.some((e) => e.type === 'host_command'))).toBe(true);
    expect(h.line.supervisor.axisDetail('a').snapshot.state).toBe('Stopping');
    expect(h.eventsOf('hold').at(-1)).toMatchObject({ axis: 'a', cause: 'operator' });

    s.command('spBv1.0/plant/DCMD/line1/a', [{ name: 'Command/Release', type: 'Boolean', value: true }]);
    s.command('spBv1.0/plant/DCMD/line1/a', [{ name: 'Command/Jog', type: 'Boolean', value: true }]);
    s.command('spBv1.0/plant/DCMD/line1/zz', [{ name: 'Command/Hold', type: 'Boolean', value: true }]);
    s.handlers.onMessage('spBv1.0/plant/NCMD/line1', Uint8Array.of(0xff, 0xff, 0xff));
    expect(await h.runUntil(() => events.filter((e) => e.type === 'host_command').length === 5)).toBe(true);
    const commands = events.filter((e) => e.type === 'host_command');
    expect(commands.map((e) => `${e.command} ${e.axis ?? '-'} ${e.outcome}`)).toEqual([
      'hold a ok',
      'release a refused',
      'unknown a refused',
      'unknown zz refused',
      'unknown - refused',
    ]);
    expect(commands[1]!.detail).toMatch(/list it in mqtt.commands/);
    expect(commands[0]!.by).toBe('mqtt DCMD via mqtt://127.0.0.1:1883');
    expect(h.line.supervisor.axisDetail('a').snapshot.state).toBe('Stopping');
    // The refusal reaches the host as the axis's Last Result.
    expect(await h.runUntil(() => s.of('DDATA').some((p) => String(metric(p, 'Command/Last Result')).startsWith('refused')))).toBe(true);
    await h.stop();
  });

  it('with release allowed, a host ends its own hold; the axis re-syncs and its job carries on', async () => {
    const { h, s, events } = await connectedWithAMoving(`${BASIC}  commands: [release]\n`);
    s.command('spBv1.0/plant/DCMD/line1/a', [{ name: 'Command/Hold', type: 'Boolean', value: true }]);
    expect(await h.runUntil(() => events.some((e) => e.type === 'host_command'))).toBe(true);
    s.command('spBv1.0/plant/DCMD/line1/a', [{ name: 'Command/Release', type: 'Boolean', value: true }]);
    expect(await h.runUntil(() => events.filter((e) => e.type === 'host_command').length === 2)).toBe(true);
    expect(events.filter((e) => e.type === 'host_command').map((e) => e.outcome)).toEqual(['ok', 'ok']);
    expect(await h.runUntil(() => h.line.supervisor.jobs().every((j) => j.status === 'done'), 60_000)).toBe(true);
    expect(h.eventsOf('resync').some((e) => e.axis === 'a')).toBe(true);
    await h.stop();
  });

  it('queues a job from a host only when allowed, checked as a config job is; the axis runs it in turn', async () => {
    const { h, broker, events } = rig(`${BASIC}  commands: [queue]\n`);
    const s = broker.current;
    s.handlers.onConnect();
    const queue = (job: unknown) =>
      s.command('spBv1.0/plant/NCMD/line1', [
        { name: 'Command/Queue Job', type: 'String', value: typeof job === 'string' ? job : JSON.stringify(job) },
      ]);
    queue({ id: 'jx', axis: 'b', moves: [{ positionMm: 700, speedMmPerS: 500 }] });
    queue({ id: 'ja', axis: 'b', moves: [{ positionMm: 10, speedMmPerS: 50 }] });
    queue({ id: 'jy', axis: 'q', moves: [{ positionMm: 10, speedMmPerS: 50 }] });
    queue('{"id": "jz", "axis": ');
    queue({
      id: 'jn',
      axis: 'b',
      moves: [
        { positionMm: 20, speedMmPerS: 150 },
        { positionMm: 5, speedMmPerS: 150 },
      ],
    });
    expect(await h.runUntil(() => events.filter((e) => e.type === 'host_command').length === 5)).toBe(true);
    const told = events.filter((e) => e.type === 'host_command').map((e) => `${e.outcome}: ${e.detail}`);
    expect(told[0]).toMatch(
      /refused: job refused: moves\[0\]\.positionMm: position 700 mm is outside the travel \[0, 600\] mm of axis 'b'; moves\[0\]\.speedMmPerS: speed 500 mm\/s exceeds the max speed 400/,
    );
    expect(told[1]).toMatch(/refused: job refused: id: job id 'ja' is taken/);
    expect(told[2]).toMatch(/refused: job refused: axis: axis 'q' is not an axis id/);
    expect(told[3]).toMatch(/refused: job refused: not JSON/);
    expect(told[4]).toMatch(/^ok: jn: queued on b/);
    expect(h.eventsOf('job_queued')).toEqual([
      expect.objectContaining({ job: 'jn', axis: 'b', moves: 2, by: 'mqtt NCMD via mqtt://127.0.0.1:1883' }),
    ]);
    expect(await h.runUntil(() => h.line.supervisor.jobs().find((j) => j.id === 'jn')?.status === 'done', 60_000)).toBe(true);
    expect(h.line.supervisor.jobs().map((j) => j.id)).toEqual(['ja', 'jb', 'jn']);
    await h.stop();
  });

  it('refuses a queued job when mqtt.commands does not list queue', async () => {
    const { h, broker, events } = rig(BASIC);
    broker.current.handlers.onConnect();
    broker.current.command('spBv1.0/plant/NCMD/line1', [
      {
        name: 'Command/Queue Job',
        type: 'String',
        value: JSON.stringify({ id: 'jn', axis: 'b', moves: [{ positionMm: 20, speedMmPerS: 50 }] }),
      },
    ]);
    expect(await h.runUntil(() => events.some((e) => e.type === 'host_command'))).toBe(true);
    expect(events.find((e) => e.type === 'host_command')).toMatchObject({ command: 'queue', outcome: 'refused' });
    expect(h.line.supervisor.jobs().map((j) => j.id)).toEqual(['ja', 'jb']);
    await h.stop();
  });

  it('once the line is shutting down, takes nothing but a hold from a host', async () => {
    const { h, s, events } = await connectedWithAMoving(`${BASIC}  commands: [release]\n`);
    void h.line.supervisor.stop('test shutdown');
    s.command('spBv1.0/plant/DCMD/line1/a', [{ name: 'Command/Release', type: 'Boolean', value: true }]);
    expect(await h.runUntil(() => events.some((e) => e.type === 'host_command'))).toBe(true);
    expect(events.find((e) => e.type === 'host_command')).toMatchObject({
      command: 'release',
      outcome: 'refused',
      detail: 'the line is shutting down: every axis is being held',
    });
  });

  it('publishes NDEATH with the session bdSeq when it stops, then closes the connection', async () => {
    const { h, broker, node } = rig(BASIC);
    const s = broker.current;
    s.handlers.onConnect();
    await node.stop();
    expect(s.published.at(-1)).toMatchObject({ topic: 'spBv1.0/plant/NDEATH/line1', qos: 1 });
    expect(s.published.at(-1)!.payload.seq).toBeUndefined();
    expect(s.ended).toBe(true);
    await h.stop();
  });
});
