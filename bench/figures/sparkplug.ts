import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { RealClock } from '../../src/common/clock.ts';
import { startMosquitto, type Broker } from '../../test/support/mosquitto.ts';
import { processCpuMs } from '../../test/support/realtime-line.ts';
import { runChild } from '../child.ts';
import type { Figure, Row } from '../figure.ts';
import { round } from '../stats.ts';
import { PAIR_AXES, PAIR_DURATION_S, STEADY, STORM, pairLineYaml, runLinePair } from './support/line-pair.ts';

const clock = new RealClock();
const PLANT = { nodes: 100, axes: 8, seconds: 10, fromS: 3 };

/** Part 1: one 8-axis line with and without its edge node, side by side; the messages its host gets. */
async function oneLine(broker: Broker, dir: string, progress: (step: string) => void) {
  const host = await mqtt.connectAsync(broker.url, { clientId: 'bench-host' });
  const arrivals: { atMs: number; type: string }[] = [];
  host.on('message', (topic) => arrivals.push({ atMs: clock.now(), type: topic.split('/')[2]! }));
  await host.subscribeAsync('spBv1.0/bench/#', { qos: 0 });
  progress(`an ${PAIR_AXES}-axis line with and without MQTT, side by side, ${PAIR_DURATION_S} s`);
  const pair = await runLinePair(dir, {
    with: pairLineYaml('line-mqtt', ['mqtt:', `  servers: ["${broker.url}"]`, '  groupId: bench']),
    without: pairLineYaml('line-plain'),
  });
  await host.endAsync();
  const within = (w: { fromS: number; toS: number }) =>
    arrivals.filter((a) => a.atMs >= pair.t0 + w.fromS * 1000 && a.atMs < pair.t0 + w.toS * 1000);
  const perS = (w: { fromS: number; toS: number }) => round(within(w).length / (w.toS - w.fromS), 3);
  const byType = (w: { fromS: number; toS: number }) =>
    Object.fromEntries([...new Set(within(w).map((a) => a.type))].sort().map((t) => [t, within(w).filter((a) => a.type === t).length]));
  return {
    messagesPerS: { steady: perS(STEADY), storm: perS(STORM) },
    messagesByType: { steady: byType(STEADY), storm: byType(STORM) },
    trips: pair.with.trips,
    cycle: { mqtt: pair.with.cycle, plain: pair.without.cycle },
    cpuMsPerS: { mqtt: pair.with.cpuMsPerS, plain: pair.without.cpuMsPerS },
    stalls: { mqtt: pair.with.stalls, plain: pair.without.stalls },
  };
}

/** Part 2: a plant's worth of edge nodes on one broker: its CPU and what one host subscriber receives. */
async function plant(broker: Broker, progress: (step: string) => void) {
  progress(`${PLANT.nodes} edge nodes of ${PLANT.axes} moving axes on one Mosquitto, ${PLANT.seconds} s`);
  const host = await mqtt.connectAsync(broker.url, { clientId: 'bench-plant-host' });
  let received = 0;
  const startMs = clock.now();
  host.on('message', () => received++);
  await host.subscribeAsync('spBv1.0/bench/#', { qos: 0 });
  const nodes = runChild<{ published: number }>('sparkplug-nodes.ts', [broker.url, PLANT.nodes, PLANT.axes, PLANT.seconds]);
  await clock.sleep(PLANT.fromS * 1000);
  const windowStart = { received, brokerCpuMs: processCpuMs(broker.pid()!) ?? Number.NaN, atMs: clock.now() };
  await clock.sleep((PLANT.seconds - PLANT.fromS - 1) * 1000);
  const windowS = (clock.now() - windowStart.atMs) / 1000;
  const brokerCpuMs = (processCpuMs(broker.pid()!) ?? Number.NaN) - windowStart.brokerCpuMs;
  const receivedInWindow = received - windowStart.received;
  const { published } = await nodes;
  await host.endAsync();
  return {
    nodes: PLANT.nodes,
    axesPerNode: PLANT.axes,
    receivedPerS: round(receivedInWindow / windowS),
    brokerCpuShare: round(brokerCpuMs / 1000 / windowS, 3),
    published,
    seconds: round((clock.now() - startMs) / 1000, 3),
  };
}

export const sparkplug: Figure = {
  key: 'sparkplug',
  glossary: {
    'line.messagesPerS.steady': `Sparkplug messages/s a host receives from one ${PAIR_AXES}-axis line, every axis shuttling (s ${STEADY.fromS}-${STEADY.toS})`,
    'line.messagesPerS.storm': `the same during a fault storm on 6 of its axes (s ${STORM.fromS}-${STORM.toS})`,
    'line.messagesByType': 'messages by type in each window',
    'line.trips': 'trips of the storm (the line with MQTT)',
    'line.cycle.mqtt':
      'supervision cycle of the line with its edge node: cycles, mean ms, the histogram bucket (upper bound, ms) holding p99',
    'line.cycle.plain': 'the same line without MQTT, run at the same time',
    'line.cpuMsPerS': 'process CPU ms per second of each line in the steady window',
    'line.stalls': 'stall events of each line over the run',
    'plant.receivedPerS': 'messages/s one host subscribed to the whole group receives',
    'plant.brokerCpuShare': 'Mosquitto process CPU, share of one core, over the window',
    'plant.published': 'messages the edge nodes handed to MQTT.js over the whole run',
  },
  title: 'Sparkplug B: messages per line, broker load for a plant, the cycle with MQTT on and off',
  timed: true,
  method:
    `A Mosquitto on loopback started by the figure. line: \`axisguard run\` of a generated ${PAIR_AXES}-axis line of simulated drives (10 ms cycle), every axis shuttling 20 moves of 380 mm at 300 mm/s, ` +
    `with a fault storm at ${STORM.fromS} s (2 jams, 2 silences of 1.5 s, an alarm, 50 % dropouts for 3 s), once with its edge node (defaults: minIntervalMs 200, deadbands 0.05 / 0.01 mm) and once without, both at the same time for ${PAIR_DURATION_S} s; ` +
    "a host subscribed to the group counts what it receives; the cycle histogram is read from each line's /metrics near the end; CPU from /proc/PID/stat. " +
    `plant: ${PLANT.nodes} real EdgeNode instances (one process, one MQTT connection each) over synthetic lines of ${PLANT.axes} axes all moving (a sine, so every report carries position), for ${PLANT.seconds} s; ` +
    `Mosquitto's CPU and what one host subscriber receives, from ${PLANT.fromS} s to 1 s before the end.`,
  async measure(progress) {
    const dir = mkdtempSync(join(tmpdir(), 'axisguard-bench-sparkplug-'));
    let broker: Broker | undefined;
    try {
      broker = await startMosquitto(dir);
      const line = await oneLine(broker, dir, progress);
      const plantFigures = await plant(broker, progress);
      const rows: Row[] = [
        {
          item: `one ${PAIR_AXES}-axis line, every axis moving`,
          value: `${line.messagesPerS.steady} msg/s`,
          note: JSON.stringify(line.messagesByType.steady),
        },
        {
          item: 'the same line in a fault storm (6 axes)',
          value: `${line.messagesPerS.storm} msg/s`,
          note: `${line.trips} trips; ${JSON.stringify(line.messagesByType.storm)}`,
        },
        {
          item: 'supervision cycle with / without MQTT (same run)',
          value: `${line.cycle.mqtt.meanMs} / ${line.cycle.plain.meanMs} ms`,
          note: `mean; p99 bucket <= ${line.cycle.mqtt.p99BucketMs} / ${line.cycle.plain.p99BucketMs} ms; CPU ${line.cpuMsPerS.mqtt} / ${line.cpuMsPerS.plain} ms/s; stalls ${line.stalls.mqtt} / ${line.stalls.plain}`,
        },
        {
          item: `${plantFigures.nodes} lines of ${plantFigures.axesPerNode} moving axes on one Mosquitto`,
          value: `${plantFigures.receivedPerS} msg/s`,
          note: `broker CPU ${round(plantFigures.brokerCpuShare * 100, 3)} % of one core; one host receives all`,
        },
      ];
      return { result: { line, plant: plantFigures }, rows };
    } finally {
      await broker?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
