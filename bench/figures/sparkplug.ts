import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { RealClock } from '../../src/common/clock.ts';
import { startMosquitto, type Broker } from '../../test/support/mosquitto.ts';
import { processCpuMs } from '../../test/support/realtime-line.ts';
import { runSupervisor, type JsonEvent, type SupervisorProcess } from '../../test/support/supervisor-process.ts';
import { runChild } from '../child.ts';
import type { Figure, Row } from '../figure.ts';
import { round } from '../stats.ts';

const clock = new RealClock();
const AXES = 8;
const DURATION_S = 14;
/** Steady state: every axis shuttling; then the storm, from STORM_AT_S on. */
const STEADY = { fromS: 3, toS: 8 };
const STORM = { fromS: 8, toS: 11 };
const STORM_AT_MS = STORM.fromS * 1000;
const PLANT = { nodes: 100, axes: 8, seconds: 10, fromS: 3 };

/**
 * An 8-axis line of simulated drives, each shuttling for the whole run; at STORM_AT_MS a fault storm
 * (jams, silences, an alarm, dropouts on six axes at once). With `mqtt`, its edge node on `url`.
 */
function lineYaml(name: string, url: string | undefined): string {
  const ids = Array.from({ length: AXES }, (_, i) => `ax${i + 1}`);
  const shuttle = Array.from({ length: 20 }, (_, i) => `{ positionMm: ${i % 2 === 0 ? 400 : 20}, speedMmPerS: 300 }`).join(', ');
  const faults = [
    `{ axis: ax1, atMs: ${STORM_AT_MS}, fault: { kind: jam } }`,
    `{ axis: ax2, atMs: ${STORM_AT_MS}, fault: { kind: jam } }`,
    `{ axis: ax3, atMs: ${STORM_AT_MS}, clearAtMs: ${STORM_AT_MS + 1500}, fault: { kind: silent } }`,
    `{ axis: ax4, atMs: ${STORM_AT_MS}, clearAtMs: ${STORM_AT_MS + 1500}, fault: { kind: silent } }`,
    `{ axis: ax5, atMs: ${STORM_AT_MS}, fault: { kind: alarm, code: 7 } }`,
    `{ axis: ax6, atMs: ${STORM_AT_MS}, clearAtMs: ${STORM_AT_MS + 3000}, fault: { kind: dropout, probability: 0.5 } }`,
  ];
  return [
    `line: ${name}`,
    'cycle: { periodMs: 10, warmupMs: 200 }',
    'metrics: { port: 0 }',
    // Windows that fit the simulated drives' servo lag at 300 mm/s: only the storm trips.
    'defaults: { followingError: { minWindowMm: 1, maxWindowMm: 10, timeMs: 40 } }',
    'axes:',
    ...ids.map(
      (id) =>
        `  - { id: ${id}, driver: { type: simulated, seed: ${id.length} }, limits: { minMm: 0, maxMm: 500, maxSpeedMmPerS: 400, maxAccelMmPerS2: 3000 } }`,
    ),
    'jobs:',
    ...ids.map((id) => `  - { id: job-${id}, axis: ${id}, moves: [${shuttle}] }`),
    'simulation:',
    '  faults:',
    ...faults.map((f) => `    - ${f}`),
    ...(url ? ['mqtt:', `  servers: ["${url}"]`, '  groupId: bench'] : []),
  ].join('\n');
}

interface CycleFigures {
  readonly cycles: number;
  readonly meanMs: number;
  /** Upper bound of the histogram bucket that holds the 99th percentile, ms. */
  readonly p99BucketMs: number;
}

/** The supervision cycle histogram of a running line, from its /metrics. */
async function scrapeCycles(run: SupervisorProcess): Promise<CycleFigures> {
  const url = run.events.find((e) => e.type === 'metrics_listening')?.url as string;
  const text = await (await fetch(url)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  const count = value('axisguard_supervision_cycle_duration_seconds_count');
  const sum = value('axisguard_supervision_cycle_duration_seconds_sum');
  const buckets = [...text.matchAll(/^axisguard_supervision_cycle_duration_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm)].map((m) => ({
    le: m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]),
    cumulative: Number(m[2]),
  }));
  const p99 = buckets.find((b) => b.cumulative >= 0.99 * count)?.le ?? Number.NaN;
  return { cycles: count, meanMs: round((sum / count) * 1000, 3), p99BucketMs: p99 * 1000 };
}

const untilEvent = async (run: SupervisorProcess, type: string) => {
  while (!run.events.some((e) => e.type === type)) await clock.sleep(20);
  return run.events.find((e) => e.type === type) as JsonEvent;
};

/** Part 1: one 8-axis line with and without its edge node, side by side; the messages its host gets. */
async function oneLine(broker: Broker, dir: string, progress: (step: string) => void) {
  const host = await mqtt.connectAsync(broker.url, { clientId: 'bench-host' });
  const arrivals: { atMs: number; type: string }[] = [];
  host.on('message', (topic) => arrivals.push({ atMs: clock.now(), type: topic.split('/')[2]! }));
  await host.subscribeAsync('spBv1.0/bench/#', { qos: 0 });
  const config = (name: string, url: string | undefined) => {
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, lineYaml(name, url));
    return path;
  };
  progress(`an ${AXES}-axis line with and without MQTT, side by side, ${DURATION_S} s`);
  const args = ['--until', 'never', '--duration', String(DURATION_S)];
  const on = runSupervisor(config('line-mqtt', broker.url), args);
  const off = runSupervisor(config('line-plain', undefined), args);
  const [startOn] = await Promise.all([untilEvent(on, 'start'), untilEvent(off, 'start')]);
  const t0 = clock.now() - (startOn.atMs as number);
  const cpuAt: Record<string, number[]> = { on: [], off: [] };
  const readCpu = () => {
    cpuAt.on!.push(processCpuMs(on.child.pid!) ?? Number.NaN);
    cpuAt.off!.push(processCpuMs(off.child.pid!) ?? Number.NaN);
  };
  await clock.sleep(Math.max(0, t0 + STEADY.fromS * 1000 - clock.now()));
  readCpu();
  await clock.sleep(Math.max(0, t0 + STEADY.toS * 1000 - clock.now()));
  readCpu();
  await clock.sleep(Math.max(0, t0 + (DURATION_S - 1) * 1000 - clock.now()));
  const [cyclesOn, cyclesOff] = await Promise.all([scrapeCycles(on), scrapeCycles(off)]);
  await Promise.all([on.exit, off.exit]);
  await host.endAsync();
  const within = (w: { fromS: number; toS: number }) => arrivals.filter((a) => a.atMs >= t0 + w.fromS * 1000 && a.atMs < t0 + w.toS * 1000);
  const perS = (w: { fromS: number; toS: number }) => round(within(w).length / (w.toS - w.fromS), 3);
  const byType = (w: { fromS: number; toS: number }) =>
    Object.fromEntries([...new Set(within(w).map((a) => a.type))].sort().map((t) => [t, within(w).filter((a) => a.type === t).length]));
  const steadyCpuMs = (key: 'on' | 'off') => (cpuAt[key]![1]! - cpuAt[key]![0]!) / (STEADY.toS - STEADY.fromS);
  const stalls = (run: SupervisorProcess) => run.events.filter((e) => e.type === 'stall').length;
  return {
    messagesPerS: { steady: perS(STEADY), storm: perS(STORM) },
    messagesByType: { steady: byType(STEADY), storm: byType(STORM) },
    trips: on.events.filter((e) => e.type === 'trip').length,
    cycle: { mqtt: cyclesOn, plain: cyclesOff },
    cpuMsPerS: { mqtt: round(steadyCpuMs('on')), plain: round(steadyCpuMs('off')) },
    stalls: { mqtt: stalls(on), plain: stalls(off) },
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
    'line.messagesPerS.steady': `Sparkplug messages/s a host receives from one ${AXES}-axis line, every axis shuttling (s ${STEADY.fromS}-${STEADY.toS})`,
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
    `A Mosquitto on loopback started by the figure. line: \`axisguard run\` of a generated ${AXES}-axis line of simulated drives (10 ms cycle), every axis shuttling 20 moves of 380 mm at 300 mm/s, ` +
    `with a fault storm at ${STORM.fromS} s (2 jams, 2 silences of 1.5 s, an alarm, 50 % dropouts for 3 s), once with its edge node (defaults: minIntervalMs 200, deadbands 0.05 / 0.01 mm) and once without, both at the same time for ${DURATION_S} s; ` +
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
          item: `one ${AXES}-axis line, every axis moving`,
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
