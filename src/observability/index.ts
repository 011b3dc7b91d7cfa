/** Metrics (Prometheus, private registry), /healthz, and the structured log of a run. */
export { logEvent, eventLevel, type LoggedEvent } from './event-log.ts';
export { HealthMonitor, type HealthReport, type HealthSource } from './health.ts';
export { MetricsServeError, isMetricsServeError } from './http-endpoint.ts';
export { createLineMetrics, type LineMetrics, type MetricsSources, type ObservedJournal } from './line-metrics.ts';
export { LOG_LEVEL_ENV, LogLevelError, chooseLogLevel, createLogger, isLogLevelError, type LoggerOptions } from './logger.ts';
export { observeLine, type ObserveLineOptions, type ObservedLine } from './observe-line.ts';
export { BREAKER_STATE_VALUE, type ObservedSupervisor } from './supervisor-metrics.ts';
export type { ObservedBus } from './bus-metrics.ts';
