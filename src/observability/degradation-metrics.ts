import { Counter, Gauge, type Registry } from 'prom-client';
import { mirrorCounter } from './mirror-counter.ts';
import type { ObservedSupervisor } from './supervisor-metrics.ts';

/**
 * The degradation watch as metrics, read at scrape time: per axis and signal whether it is degraded,
 * its last observation and its learned baseline (src/degradation/), and per axis the exchanges its
 * driver retried, by cause (drivers/exchange-retry.ts).
 */
export function registerDegradationMetrics(registry: Registry, supervisor: Pick<ObservedSupervisor, 'snapshot' | 'axisDetail'>): void {
  const registers = [registry];
  const details = () => supervisor.snapshot().map((s) => supervisor.axisDetail(s.id));
  const signals = () => details().flatMap((d) => d.degradation.signals.map((view) => ({ axis: d.snapshot.id, view })));

  new Gauge({
    name: 'axisguard_axis_degraded',
    help: 'Per axis and signal: 1 while the signal has drifted above its learned baseline (degraded), else 0',
    labelNames: ['axis', 'signal'],
    registers,
    collect() {
      for (const { axis, view } of signals()) this.set({ axis, signal: view.signal }, view.degraded ? 1 : 0);
    },
  });
  new Gauge({
    name: 'axisguard_axis_signal',
    help: 'Per axis and signal: its last observation (ms for times, a share 0..1 for rates); absent before the first',
    labelNames: ['axis', 'signal'],
    registers,
    collect() {
      for (const { axis, view } of signals()) if (view.current !== undefined) this.set({ axis, signal: view.signal }, view.current);
    },
  });
  new Gauge({
    name: 'axisguard_axis_signal_baseline',
    help: 'Per axis and signal: the healthy baseline mean it learned (same unit as axisguard_axis_signal); absent while learning',
    labelNames: ['axis', 'signal'],
    registers,
    collect() {
      for (const { axis, view } of signals()) if (view.baseline) this.set({ axis, signal: view.signal }, view.baseline.mean);
    },
  });
  new Gauge({
    name: 'axisguard_axis_speed_factor',
    help: 'Share of their speed the job moves of each axis start at: below 1 while its downgrade plan derates it',
    labelNames: ['axis'],
    registers,
    collect() {
      for (const d of details()) this.set({ axis: d.snapshot.id }, d.degradation.speedFactor);
    },
  });
  new Counter({
    name: 'axisguard_exchange_retries_total',
    help: 'Exchanges repeated after a corrupt (crc, garbled) or missing (timeout) answer, by axis and cause; a retried success is no breaker failure',
    labelNames: ['axis', 'cause'],
    registers,
    collect() {
      mirrorCounter(
        this,
        details().flatMap((d) =>
          Object.entries(d.degradation.retries ?? {}).map(([cause, n]) => [{ axis: d.snapshot.id, cause }, n] as const),
        ),
      );
    },
  });
}
