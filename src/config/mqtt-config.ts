import * as z from 'zod';
import type { PathIssue } from './issue-path.ts';
import { isLoopbackHost } from './observability-config.ts';
import { asList, asObject } from './raw-values.ts';
import { strictObject } from './zod-issues.ts';

/**
 * The `mqtt` section (off when absent): the controller as a Sparkplug B edge node on an MQTT broker,
 * each axis a device. Kept apart from schema.ts like the buses and metrics.
 */

/** Host commands besides `hold` (always accepted): each must be listed to be accepted, since a broker is a network entry point. */
export const MQTT_COMMANDS = ['release', 'reset', 'resume', 'queue'] as const;
export type MqttCommand = (typeof MQTT_COMMANDS)[number];

export const MQTT_DEFAULTS = {
  groupId: 'axisguard',
  keepaliveS: 10,
  /** Data of one axis (or of the node) goes out at most this often, ms. */
  minIntervalMs: 200,
  positionDeadbandMm: 0.05,
  followingErrorDeadbandMm: 0.01,
  /** How long one connection attempt may take before the next server is tried, ms. */
  connectTimeoutMs: 5000,
  /** First and longest pause between connection attempts, ms (doubling). */
  reconnectMs: { first: 1000, max: 30_000 },
} as const;

/** Characters MQTT topic levels cannot carry and Sparkplug ids must not hold. */
const SPARKPLUG_ID = /^[^/+#]+$/;
const sparkplugId = (what: string) =>
  z
    .string()
    .min(1)
    .regex(SPARKPLUG_ID, { error: `a ${what} is one MQTT topic level: no '/', '+' or '#'` });

const BROKER_URL = /^(mqtts?|wss?|tcp|ssl):\/\/[^/\s]+/;

export const MqttSchema = strictObject({
  enabled: z.boolean().default(true),
  /** Broker URLs tried in order (Sparkplug's "next server" on a primary host going offline), e.g. mqtt://127.0.0.1:1883, mqtts://broker:8883. */
  servers: z
    .array(z.string().regex(BROKER_URL, { error: 'must be a broker URL such as mqtt://10.0.0.2:1883 or mqtts://broker.plant:8883' }))
    .min(1),
  /** Default: axisguard-<groupId>-<edgeNodeId>. */
  clientId: z.string().min(1).max(128).optional(),
  username: z.string().min(1).optional(),
  /** The name of an environment variable holding the password (never the password itself in the file). */
  passwordEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' })
    .optional(),
  tls: strictObject({
    /** PEM files: the broker's CA, and the client certificate and key for mutual TLS. */
    ca: z.string().min(1).optional(),
    cert: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
  }).optional(),
  /** Says knowingly that the broker is reached without TLS beyond this machine (anyone on the path can read and send). */
  allowPlaintext: z.boolean().default(false),
  groupId: sparkplugId('Sparkplug group id').default(MQTT_DEFAULTS.groupId),
  /** Default: the line's name. */
  edgeNodeId: sparkplugId('Sparkplug edge node id').optional(),
  /** With one: births wait for its STATE `online: true`, and the node moves to the next server when it goes offline. */
  primaryHostId: sparkplugId('Sparkplug host id').optional(),
  keepaliveS: z.int().min(1).max(600).default(MQTT_DEFAULTS.keepaliveS),
  minIntervalMs: z.int().min(20).max(60_000).default(MQTT_DEFAULTS.minIntervalMs),
  deadbands: strictObject({
    positionMm: z.number().min(0).default(MQTT_DEFAULTS.positionDeadbandMm),
    followingErrorMm: z.number().min(0).default(MQTT_DEFAULTS.followingErrorDeadbandMm),
  }).prefault({}),
  /** Host commands accepted besides `hold`; none by default. */
  commands: z.array(z.enum(MQTT_COMMANDS)).default([]),
});

export type RawMqttConfig = z.output<typeof MqttSchema>;

/** The edge node's settings, resolved (the section present and enabled). */
export interface MqttConfig {
  readonly servers: readonly string[];
  readonly clientId: string;
  readonly username: string | undefined;
  readonly passwordEnv: string | undefined;
  readonly tls: { readonly ca?: string; readonly cert?: string; readonly key?: string } | undefined;
  readonly groupId: string;
  readonly edgeNodeId: string;
  readonly primaryHostId: string | undefined;
  readonly keepaliveS: number;
  readonly minIntervalMs: number;
  readonly deadbands: { readonly positionMm: number; readonly followingErrorMm: number };
  readonly commands: readonly MqttCommand[];
}

export function resolveMqtt(raw: RawMqttConfig | undefined, line: string): MqttConfig | undefined {
  if (!raw?.enabled) return undefined;
  const edgeNodeId = raw.edgeNodeId ?? line;
  return {
    servers: raw.servers,
    clientId: raw.clientId ?? `axisguard-${raw.groupId}-${edgeNodeId}`,
    username: raw.username,
    passwordEnv: raw.passwordEnv,
    tls: raw.tls,
    groupId: raw.groupId,
    edgeNodeId,
    primaryHostId: raw.primaryHostId,
    keepaliveS: raw.keepaliveS,
    minIntervalMs: raw.minIntervalMs,
    deadbands: raw.deadbands,
    commands: [...new Set(raw.commands)],
  };
}

/**
 * What the field checks cannot see: a plaintext broker beyond this machine must be meant
 * (`allowPlaintext: true`), and the line's name must do as an edge node id when none is given.
 * Reads the raw document, like the other cross-checks.
 */
export function checkMqtt(section: unknown, line: unknown): PathIssue[] {
  const mqtt = asObject(section);
  if (!mqtt || mqtt.enabled === false) return [];
  const issues: PathIssue[] = [];
  const tls = asObject(mqtt.tls);
  for (const [index, url] of asList(mqtt.servers)) {
    if (typeof url !== 'string' || !BROKER_URL.test(url)) continue;
    const { protocol, hostname } = new URL(url);
    const plaintext = protocol === 'mqtt:' || protocol === 'tcp:' || protocol === 'ws:';
    if (plaintext && !isLoopbackHost(hostname.replace(/^\[|\]$/g, '')) && mqtt.allowPlaintext !== true && !tls)
      issues.push({
        path: ['mqtt', 'servers', index],
        message: `'${url}' sends the line's state and accepts commands without TLS across the network; use mqtts:// (with mqtt.tls.ca), or set mqtt.allowPlaintext: true to say that is intended`,
      });
  }
  if (mqtt.edgeNodeId === undefined && typeof line === 'string' && !SPARKPLUG_ID.test(line))
    issues.push({
      path: ['mqtt', 'edgeNodeId'],
      message: `the line's name '${line}' cannot be a Sparkplug edge node id (no '/', '+' or '#'); set mqtt.edgeNodeId`,
    });
  return issues;
}
