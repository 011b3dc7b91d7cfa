import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { MQTT_DEFAULTS, type MqttConfig } from '../config/mqtt-config.ts';
import type { BrokerSession, ConnectBroker } from './edge-node.ts';
import { MqttStartError } from './errors.ts';

/** A TLS file, read; MqttStartError naming the field when it cannot be. */
function readPem(field: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new MqttStartError(`cannot read mqtt.tls.${field} '${path}': ${(error as Error).message}`);
  }
}

/**
 * ConnectBroker over MQTT.js: one client per session, MQTT 3.1.1, clean session, no automatic
 * reconnect (the edge node reconnects itself, since each new session needs a new Will: its bdSeq
 * goes up by one), nothing queued while offline. TLS files are read once, here; a missing one or
 * an unset password variable is a MqttStartError.
 */
export function mqttBroker(config: MqttConfig, env: NodeJS.ProcessEnv): ConnectBroker {
  const password = config.passwordEnv === undefined ? undefined : env[config.passwordEnv];
  if (config.passwordEnv !== undefined && password === undefined)
    throw new MqttStartError(
      `mqtt.passwordEnv names ${config.passwordEnv}, which is not set in the environment; set it, or remove passwordEnv`,
    );
  const tls = config.tls && {
    ...(config.tls.ca ? { ca: readPem('ca', config.tls.ca) } : {}),
    ...(config.tls.cert ? { cert: readPem('cert', config.tls.cert) } : {}),
    ...(config.tls.key ? { key: readPem('key', config.tls.key) } : {}),
  };
  return (server, will, handlers) => {
    const client = mqtt.connect(server, {
      clientId: config.clientId,
      protocolVersion: 4,
      clean: true,
      keepalive: config.keepaliveS,
      reconnectPeriod: 0,
      connectTimeout: MQTT_DEFAULTS.connectTimeoutMs,
      queueQoSZero: false,
      will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: false },
      ...(config.username ? { username: config.username } : {}),
      ...(password === undefined ? {} : { password }),
      ...tls,
    });
    let closed = false;
    let lastError = '';
    client.on('connect', () => handlers.onConnect());
    client.on('message', (topic, payload) => handlers.onMessage(topic, payload));
    client.on('error', (error) => {
      lastError = error.message;
    });
    client.on('close', () => {
      if (closed) return;
      closed = true;
      handlers.onClose(lastError || 'connection closed');
    });
    const session: BrokerSession = {
      publish: (topic, payload, qos) => {
        if (client.connected) client.publish(topic, Buffer.from(payload), { qos, retain: false });
      },
      subscribe: (topics) => {
        client.subscribe([...topics], { qos: 1 });
      },
      end: () =>
        new Promise<void>((resolve) => {
          closed = true;
          client.end(false, {}, () => resolve());
        }),
    };
    return session;
  };
}
