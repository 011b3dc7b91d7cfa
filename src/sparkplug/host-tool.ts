import mqtt from 'mqtt';
import { decodePayload, encodePayload, type Metric, type MetricValue } from './payload.ts';
import { NAMESPACE } from './topics.ts';

/**
 * What a person needs to try a line's edge node from a shell, where mosquitto_sub shows protobuf as
 * bytes: watch a group's messages decoded one line each, and send one command metric (a host's
 * NCMD or DCMD). Not a Sparkplug host application (no STATE, no rebirth on a seq gap).
 */

/** One message as a line: time, type, who, seq and the metrics (`name=value`), or a STATE's JSON. */
export function describeMessage(topic: string, payload: Uint8Array, atMs = Date.now()): string {
  const time = new Date(atMs).toISOString().slice(11, 23);
  const levels = topic.split('/');
  if (levels[1] === 'STATE') return `${time} STATE ${levels[2]}: ${new TextDecoder().decode(payload)}`;
  const [, group, type, ...who] = levels;
  let decoded: ReturnType<typeof decodePayload>;
  try {
    decoded = decodePayload(payload);
  } catch (error) {
    return `${time} ${type} ${[group, ...who].join('/')}: not a Sparkplug B payload (${(error as Error).message})`;
  }
  const metrics = decoded.metrics.map((m) => `${m.name}=${show(m.value)}`).join(', ');
  const seq = decoded.seq === undefined ? '' : ` seq ${decoded.seq}`;
  return `${time} ${type} ${[group, ...who].join('/')}${seq}${metrics ? `: ${metrics}` : ''}`;
}

const show = (value: MetricValue | undefined): string =>
  value === null || value === undefined ? 'null' : typeof value === 'number' ? String(Math.round(value * 1000) / 1000) : String(value);

/** Prints every Sparkplug message of `group` (all groups when undefined) until `until` resolves. */
export async function watchSparkplug(
  url: string,
  group: string | undefined,
  write: (line: string) => void,
  until: Promise<void>,
): Promise<void> {
  const client = await mqtt.connectAsync(url, { clean: true, reconnectPeriod: 1000 });
  client.on('message', (topic, payload) => write(describeMessage(topic, payload)));
  await client.subscribeAsync([`${NAMESPACE}/${group ?? '+'}/#`, `${NAMESPACE}/STATE/+`], { qos: 0 });
  await until;
  await client.endAsync();
}

/**
 * Sends one command metric: `target` is `group/node` (an NCMD) or `group/node/axis` (a DCMD);
 * `value` `true`/`false` is a Boolean, anything else a String (a job's JSON, a job id).
 */
export async function sendSparkplugCommand(url: string, target: string, name: string, value: string): Promise<string> {
  const parts = target.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p.length === 0))
    throw new RangeError(`target '${target}' must be group/node (a node command) or group/node/axis (an axis command)`);
  const [group, node, axis] = parts;
  const topic = axis ? `${NAMESPACE}/${group}/DCMD/${node}/${axis}` : `${NAMESPACE}/${group}/NCMD/${node}`;
  const metric: Metric =
    value === 'true' || value === 'false' ? { name, type: 'Boolean', value: value === 'true' } : { name, type: 'String', value };
  const client = await mqtt.connectAsync(url, { clean: true, reconnectPeriod: 0, connectTimeout: 5000 });
  await client.publishAsync(topic, Buffer.from(encodePayload({ timestamp: Date.now(), metrics: [metric] })), { qos: 1 });
  await client.endAsync();
  return topic;
}
