import { isIP } from 'node:net';
import * as z from 'zod';
import type { PathIssue } from './issue-path.ts';
import { strictObject } from './zod-issues.ts';

/**
 * The `metrics` and `log` sections: where Prometheus may scrape the line, and how much axisguard
 * logs. Kept apart from schema.ts like the buses.
 */

/** pino's levels, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Built-in values of `metrics:` (used when the section is present) and `log:`. */
export const OBSERVABILITY_DEFAULTS = {
  /** Loopback only: nothing outside the controller can read /metrics unless the config says so. */
  metricsHost: '127.0.0.1',
  /** The default port of OpenTelemetry's Prometheus exporter, so firewall rules and scrape configs often know it. */
  metricsPort: 9464,
  logLevel: 'info',
} as const;

export const MetricsSchema = strictObject({
  enabled: z.boolean().default(true),
  /** Address to bind; anything but loopback needs `allowRemote: true` (see checkMetrics). */
  host: z.string().min(1).default(OBSERVABILITY_DEFAULTS.metricsHost),
  /** 0 picks a free port, reported at start (`metrics_listening` event). */
  port: z.int().min(0).max(65_535).default(OBSERVABILITY_DEFAULTS.metricsPort),
  /** Says knowingly that other machines may read /metrics and /healthz (no authentication, no TLS). */
  allowRemote: z.boolean().default(false),
});

export const LogSchema = strictObject({
  level: z.enum(LOG_LEVELS).default(OBSERVABILITY_DEFAULTS.logLevel),
});

/** Whether `host` can only be reached from this machine: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * A metrics endpoint bound beyond loopback (0.0.0.0, a LAN address, a host name) must say so with
 * `allowRemote: true`: /metrics has no authentication, and it shows the line's state to anyone who
 * can reach the port. Reads the raw document, like the other cross-checks.
 */
export function checkMetrics(section: unknown): PathIssue[] {
  if (typeof section !== 'object' || section === null || Array.isArray(section)) return [];
  const { host, allowRemote, enabled } = section as Readonly<Record<string, unknown>>;
  if (typeof host !== 'string' || isLoopbackHost(host) || allowRemote === true || enabled === false) return [];
  return [
    {
      path: ['metrics', 'host'],
      message: `'${host}' lets other machines read /metrics and /healthz (no authentication, no TLS); set metrics.allowRemote: true to say that is intended, or keep the default ${OBSERVABILITY_DEFAULTS.metricsHost}`,
    },
  ];
}
