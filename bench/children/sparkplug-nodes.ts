/**
 * Broker load: `nodes` Sparkplug edge nodes (the real EdgeNode and MQTT.js connector) of `axes`
 * axes each, every axis moving all the time (a sine of 200 mm, 4 s period: position data goes out at
 * every report), against the broker at `url` for `seconds`. What a plant of that many lines puts on
 * its broker in steady motion; the lines themselves are synthetic, only their edge nodes are real.
 * Prints {published} (messages handed to MQTT.js).
 */
import { RealClock } from '../../src/common/clock.ts';
import { EventEmitter } from '../../src/common/event.ts';
import type { MqttConfig } from '../../src/config/mqtt-config.ts';
import { EdgeNode, type BrokerSession, type ConnectBroker } from '../../src/sparkplug/edge-node.ts';
import { mqttBroker } from '../../src/sparkplug/mqtt-broker.ts';
import type { AxisDetail } from '../../src/supervisor/detail.ts';

const [url, nodesArg, axesArg, secondsArg] = process.argv.slice(2);
const nodes = Number(nodesArg);
const axes = Number(axesArg);
const seconds = Number(secondsArg);
const clock = new RealClock();
let published = 0;

/** An axis shuttling on a sine: what deviceMetrics reads of AxisDetail, nothing more. */
const movingAxis = (id: string, phase: number): AxisDetail => {
  const positionMm = 250 + 200 * Math.sin((2 * Math.PI * clock.now()) / 4000 + phase);
  return {
    snapshot: {
      id,
      family: 'simulated',
      state: 'DiscreteMotion',
      breaker: 'closed',
      positionMm,
      followingErrorMm: 0.5,
      job: { id: `${id}-job`, movesDone: 0, moves: 1 },
      queuedJobs: 0,
      latched: undefined,
    },
    lastSample: { positionMm, followingErrorMm: Math.sin(clock.now() / 300), alarmCode: 0 },
    breaker: { state: 'closed', isolatedBy: [] },
    latchedTrip: undefined,
    holdPending: false,
    followingErrorWindowMm: 3,
    degradation: { degraded: false, plan: 'warn', speedFactor: 1, draining: false, signals: [], retries: undefined },
  } as unknown as AxisDetail;
};

const counting =
  (connect: ConnectBroker): ConnectBroker =>
  (server, will, handlers) => {
    const session = connect(server, will, handlers);
    return {
      publish: (topic, payload, qos) => {
        published++;
        session.publish(topic, payload, qos);
      },
      subscribe: (topics) => session.subscribe(topics),
      end: () => session.end(),
    } satisfies BrokerSession;
  };

const edgeNodes = Array.from({ length: nodes }, (_, n) => {
  const config: MqttConfig = {
    servers: [url!],
    clientId: `bench-node-${n}`,
    username: undefined,
    passwordEnv: undefined,
    tls: undefined,
    groupId: 'bench',
    edgeNodeId: `line-${n}`,
    primaryHostId: undefined,
    keepaliveS: 10,
    minIntervalMs: 200,
    deadbands: { positionMm: 0.05, followingErrorMm: 0.01 },
    commands: [],
  };
  const axisIds = Array.from({ length: axes }, (_, a) => `ax${a + 1}`);
  return new EdgeNode({
    config,
    connect: counting(mqttBroker(config, {})),
    clock,
    wallMs: () => Date.now(),
    emit: () => undefined,
    line: {
      axisIds,
      axisDetail: (id) => movingAxis(id, n + Number(id.slice(2))),
      jobs: () => [],
      onCycle: new EventEmitter<never>().event,
      stalls: { stallCount: 0, longestStallMs: 0 },
      stopping: () => false,
      commands: { operator: {} as never, checkJob: () => ({ ok: false, problems: ['bench'] }) },
    },
  });
});
for (const node of edgeNodes) node.start();
await clock.sleep(seconds * 1000);
await Promise.all(edgeNodes.map((node) => node.stop()));
console.log(JSON.stringify({ published }));
