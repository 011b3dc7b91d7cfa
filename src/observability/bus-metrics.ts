import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { disposeAll, type Disposable } from '../common/disposable.ts';
import type { Bus } from '../compose/buses.ts';
import { mirrorCounter } from './mirror-counter.ts';

/**
 * What the metrics read from a bus (Modbus, or a bus-servo line, whose master counts under the same
 * names): its transport's and scheduler's counters, its transaction timings.
 */
export type ObservedBus = Pick<Bus, 'id' | 'scheduler' | 'onTransaction'> & { readonly master: Pick<Bus['master'], 'counters'> };

/** One Modbus RTU exchange at 115200 baud is ~1-5 ms on the wire; TCP through a gateway, a few ms; a timeout, its budget. */
const TRANSACTION_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

/**
 * Registers the Modbus metrics of `buses` on `registry`: a latency histogram fed by each bus's
 * onTransaction, and the transport's and scheduler's own counters read at scrape time. Dispose to
 * unsubscribe.
 */
export function registerBusMetrics(registry: Registry, buses: readonly ObservedBus[]): Disposable {
  const registers = [registry];
  /** A counter set at scrape time to the values `rows` reads from the buses' own counters. */
  const mirrored = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    rows: () => ReadonlyArray<readonly [Partial<Record<L, string>>, number]>,
  ) =>
    new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        mirrorCounter(this, rows());
      },
    });
  const latency = new Histogram({
    name: 'axisguard_modbus_transaction_duration_seconds',
    help: 'Duration of each Modbus call (or bus-servo exchange) on a bus, from request to answer or failure, s; outcome ok or error',
    labelNames: ['bus', 'outcome'],
    buckets: TRANSACTION_BUCKETS_S,
    registers,
  });
  mirrored('axisguard_modbus_transactions_total', 'Requests put on the wire (Modbus, or frames on a bus-servo line)', ['bus'], () =>
    buses.map((b) => [{ bus: b.id }, b.master.counters.transactions] as const),
  );
  mirrored(
    'axisguard_modbus_errors_total',
    'Failed Modbus calls by kind: timeout (no complete answer), own_delay_timeout (no answer while the supervisor itself was held up), queue_timeout (never got the port), crc, exception, garbled',
    ['bus', 'kind'],
    () =>
      buses.flatMap((b) => {
        const c = b.master.counters;
        const kinds = {
          timeout: c.timeouts - c.ownDelayTimeouts,
          own_delay_timeout: c.ownDelayTimeouts,
          queue_timeout: c.queueTimeouts,
          crc: c.crcErrors,
          exception: c.exceptions,
          garbled: c.garbled,
        };
        return Object.entries(kinds).map(([kind, n]) => [{ bus: b.id, kind }, n] as const);
      }),
  );
  /** One row per bus and priority (hold, command, poll, probe) of the scheduler's wait counters. */
  type QueueWait = ObservedBus['scheduler']['counters']['hold'];
  const queueRows = (pick: (q: QueueWait) => number) =>
    buses.flatMap((b) => Object.entries(b.scheduler.counters).map(([priority, q]) => [{ bus: b.id, priority }, pick(q)] as const));
  mirrored(
    'axisguard_bus_queue_wait_seconds_total',
    'Time calls waited for their bus before they got it, by priority, s (divide by axisguard_bus_queue_started_total for the mean)',
    ['bus', 'priority'],
    () => queueRows((q) => q.totalWaitMs / 1000),
  );
  mirrored(
    'axisguard_bus_keepalives_total',
    "Keep-alive reads the bus sent by itself: a drive had nothing of its own queued by half its comm-loss watchdog (the supervisor's task for it was late), or several drives were past it at once (catching up after a stall)",
    ['bus'],
    () => buses.map((b) => [{ bus: b.id }, b.scheduler.keepAlives] as const),
  );
  mirrored('axisguard_bus_queue_started_total', 'Calls that got their bus, by priority', ['bus', 'priority'], () =>
    queueRows((q) => q.started),
  );
  mirrored(
    'axisguard_bus_queue_expired_total',
    'Calls whose deadline passed while they waited for their bus (never sent), by priority',
    ['bus', 'priority'],
    () => queueRows((q) => q.expired),
  );
  new Gauge({
    name: 'axisguard_bus_queue_wait_max_seconds',
    help: 'Longest wait of a call for its bus since start, by priority, s',
    labelNames: ['bus', 'priority'],
    registers,
    collect() {
      for (const [labels, value] of queueRows((q) => q.maxWaitMs / 1000)) this.set(labels, value);
    },
  });
  const subscriptions = buses.map((bus) =>
    bus.onTransaction((t) => latency.observe({ bus: t.bus, outcome: t.ok ? 'ok' : 'error' }, t.durationMs / 1000)),
  );
  return { dispose: () => disposeAll(subscriptions) };
}
