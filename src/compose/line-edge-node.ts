import type { Clock } from '../common/clock.ts';
import type { AxisConfig, Config } from '../config/index.ts';
import { checkQueuedJob } from '../config/queued-job.ts';
import type { MqttEvent } from '../events/events.ts';
import type { EdgeLine, EdgeNode } from '../sparkplug/edge-node.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';
import type { BuiltLine } from './build-line.ts';

/**
 * The line's Sparkplug B edge node, when the config has an enabled mqtt section (not yet started):
 * it publishes the supervisor's axes and jobs and hands its hosts' commands to the operator. Throws
 * MqttStartError when a TLS file or the password variable is missing. The MQTT client and the
 * protobuf codec load only here: a line without an mqtt section never parses them at start.
 */
export async function lineEdgeNode(
  config: Config,
  line: Pick<BuiltLine, 'supervisor'>,
  clock: Clock,
  emit: (event: MqttEvent) => void,
): Promise<EdgeNode | undefined> {
  if (!config.mqtt) return undefined;
  const [{ EdgeNode }, { mqttBroker }] = await Promise.all([import('../sparkplug/edge-node.ts'), import('../sparkplug/mqtt-broker.ts')]);
  return new EdgeNode({
    config: config.mqtt,
    connect: mqttBroker(config.mqtt, process.env),
    clock,
    // Sparkplug timestamps are UTC; the run's Clock is monotonic (or virtual) and stays the journal's time.
    wallMs: () => Date.now(),
    emit,
    line: edgeLineOf(line.supervisor, config.axes),
  });
}

/** What the edge node reads of a supervised line and where its hosts' commands go. */
export const edgeLineOf = (supervisor: Supervisor, axes: readonly AxisConfig[]): EdgeLine => ({
  axisIds: axes.map((a) => a.id),
  axisDetail: (id) => supervisor.axisDetail(id),
  jobs: () => supervisor.jobs(),
  onCycle: supervisor.onCycle,
  stalls: supervisor.stalls,
  stopping: () => supervisor.isStopping(),
  commands: {
    operator: supervisor.operator,
    checkJob: (text) => checkQueuedJob(text, axes, new Set(supervisor.jobs().map((j) => j.id))),
  },
});
