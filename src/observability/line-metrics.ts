import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { disposeAll, type Disposable } from '../common/disposable.ts';
import { registerBusMetrics, type ObservedBus } from './bus-metrics.ts';
import { mirrorCounter } from './mirror-counter.ts';
import { registerSupervisorMetrics, type ObservedSupervisor } from './supervisor-metrics.ts';
import { registerDegradationMetrics } from './degradation-metrics.ts';

/** The journal as the metrics see it: its running count of failed writes. */
export interface ObservedJournal {
  readonly writeErrors: number;
}

/** Everything one line's metrics read. */
export interface MetricsSources {
  readonly supervisor: ObservedSupervisor;
  /** The line's Modbus buses; empty for a line of simulated axes. */
  readonly buses: readonly ObservedBus[];
  /** Undefined: the run has no journal (the write-error counter stays 0). */
  readonly journal: ObservedJournal | undefined;
  /** The package version, for `axisguard_build_info`. */
  readonly version: string;
}

/** A line's metrics in a registry of their own. Dispose to stop listening to the line. */
export interface LineMetrics extends Disposable {
  /** Private to this line: never prom-client's global registry, so several lines (or tests) in one process do not collide. */
  readonly registry: Registry;
}

/**
 * Creates a private registry with the line's metrics and the process metrics of prom-client
 * (`process_*`, `nodejs_*`, under their usual names so that stock dashboards work).
 */
export function createLineMetrics(sources: MetricsSources): LineMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Counter({
    name: 'axisguard_journal_write_errors_total',
    help: 'Events the journal failed to write',
    registers: [registry],
    collect() {
      mirrorCounter(this, [[{}, sources.journal?.writeErrors ?? 0]]);
    },
  });
  new Gauge({
    name: 'axisguard_build_info',
    help: 'Always 1; its labels say which axisguard and which Node.js serve these metrics',
    labelNames: ['version', 'node'],
    registers: [registry],
  }).set({ version: sources.version, node: process.version }, 1);
  // Read at scrape time only: nothing to unsubscribe.
  registerDegradationMetrics(registry, sources.supervisor);
  const subscriptions = [registerSupervisorMetrics(registry, sources.supervisor), registerBusMetrics(registry, sources.buses)];
  return {
    registry,
    dispose: () => disposeAll(subscriptions),
  };
}
