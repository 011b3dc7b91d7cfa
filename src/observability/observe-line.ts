import { LivePage, type LiveSource } from './live-page.ts';
import { RealClock, type Clock } from '../common/clock.ts';
import type { MetricsConfig } from '../config/index.ts';
import { HealthMonitor, type HealthSource } from './health.ts';
import { listenHttp } from './http-endpoint.ts';
import { createLineMetrics, type MetricsSources } from './line-metrics.ts';
import type { ObservedSupervisor } from './supervisor-metrics.ts';

export interface ObserveLineOptions extends MetricsSources {
  readonly supervisor: ObservedSupervisor & HealthSource & LiveSource;
  readonly config: MetricsConfig;
  /** Poll period of the line, ms: sets how long a cycle may lag before /healthz says 503. */
  readonly periodMs: number;
  /** Real monotonic time for the health check; a test may pass its own. Default a RealClock. */
  readonly healthClock?: Pick<Clock, 'now'>;
}

/** A line served on /metrics and /healthz. Valid until close(). */
export interface ObservedLine {
  readonly host: string;
  readonly port: number;
  /** The full /metrics URL. */
  readonly metricsUrl: string;
  /** The full /healthz URL. */
  readonly healthUrl: string;
  /** Stops serving and stops listening to the line. */
  close(): Promise<void>;
}

/**
 * Starts serving one line's metrics and health on `config.host:config.port`. Subscribes before it
 * returns; call it before the supervisor starts so that no cycle is missed. Rejects with
 * MetricsServeError when it cannot listen (nothing is left subscribed then).
 */
export async function observeLine(options: ObserveLineOptions): Promise<ObservedLine> {
  const metrics = createLineMetrics(options);
  const health = new HealthMonitor(options.supervisor, options.periodMs, options.healthClock ?? new RealClock());
  // Real time, like the health check: a page is watched by a person, even under --virtual.
  const live = new LivePage(options.supervisor, new RealClock(), options.buses);
  const release = () => {
    live.dispose();
    health.dispose();
    metrics.dispose();
  };
  try {
    const endpoint = await listenHttp(options.config.host, options.config.port, { registry: metrics.registry, health, live });
    return {
      host: endpoint.host,
      port: endpoint.port,
      metricsUrl: `${endpoint.baseUrl}/metrics`,
      healthUrl: `${endpoint.baseUrl}/healthz`,
      close: async () => {
        await endpoint.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
