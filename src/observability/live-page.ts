import type { ServerResponse } from 'node:http';
import type { Clock, ClockTimer } from '../common/clock.ts';
import type { Disposable } from '../common/disposable.ts';
import type { Event } from '../common/event.ts';
import { isNotable, type SupervisorEvent } from '../events/events.ts';
import { STALE_AFTER_MS, describeTableEvent } from '../events/status-table.ts';
import type { JobView } from '../line/job-board.ts';
import type { AxisDetail, DegradationDetail } from '../supervisor/detail.ts';
import { signalLabel } from '../degradation/signals.ts';
import type { AxisSnapshot } from '../supervisor/snapshot.ts';
import type { ObservedBus } from './bus-metrics.ts';

/** What the page reads of a supervisor: read-only calls and events. */
export interface LiveSource {
  snapshot(): AxisSnapshot[];
  axisDetail(axisId: string): AxisDetail;
  jobs(): JobView[];
  readonly onEvent: Event<SupervisorEvent>;
  readonly stalls: { readonly stallCount: number; readonly longestStallMs: number };
}

/** One frame pushed to every client: built once per tick, whatever the number of clients. */
export interface LiveFrame {
  readonly atMs: number;
  readonly axes: readonly {
    readonly id: string;
    readonly state: string;
    readonly breaker: string;
    readonly positionMm: number | null;
    /** How old the position is, ms; `stale` once it is older than STALE_AFTER_MS. */
    readonly ageMs: number;
    readonly stale: boolean;
    readonly followingErrorMm: number | null;
    readonly windowMm: number | null;
    readonly alarmCode: number;
    readonly job: string;
    /** Why the axis is tripped or latched, empty while it is not. */
    readonly tripped: string;
    /** While the axis is degraded: its degraded signals and the downgrade plan in force; empty while it is healthy. */
    readonly degraded: string;
    /** |following error| / its window over the last minutes, one point per tick. */
    readonly spark: readonly number[];
  }[];
  readonly jobs: readonly { readonly id: string; readonly axis: string; readonly status: string; readonly parkedReason: string }[];
  /** Each bus (Modbus, or a bus-servo line): its transport's counts, its longest wait for the bus, the slowest call of each tick (ms) over the last minutes. */
  readonly buses: readonly {
    readonly id: string;
    /** Calls put on the wire, those that got no answer, and those answered with a bad CRC, an exception or garbage. */
    readonly calls: { readonly total: number; readonly timeouts: number; readonly badAnswers: number };
    readonly maxQueueWaitMs: number;
    readonly spark: readonly number[];
  }[];
  readonly events: readonly string[];
  readonly stalls: { readonly count: number; readonly longestMs: number };
}

/** Bounded cost on a Pi: a frame every TICK_MS, SPARK_POINTS points per chart, MAX_CLIENTS pages. */
const TICK_MS = 500;
const SPARK_POINTS = 240;
export const MAX_CLIENTS = 5;
const RECENT_EVENTS = 15;

/**
 * The live page's data: every TICK_MS it reads the line once, appends each axis's following error
 * (as a share of its window) to a ring of SPARK_POINTS, and sends one Server-Sent Events frame to
 * every attached page. Read-only: it never calls an operator action. Nothing is computed while no
 * page is attached (the timer runs only then).
 */
export class LivePage implements Disposable {
  private readonly clients = new Set<ServerResponse>();
  private readonly sparks = new Map<string, number[]>();
  private readonly recent: string[] = [];
  private timer: ClockTimer | undefined;
  private readonly subscriptions: Disposable[];
  /** Per bus: the slowest call since the last tick, ms, and the ring of those. */
  private readonly slowest = new Map<string, number>();
  private readonly busSparks = new Map<string, number[]>();

  constructor(
    private readonly source: LiveSource,
    private readonly clock: Clock,
    private readonly buses: readonly ObservedBus[] = [],
  ) {
    this.subscriptions = buses.map((bus) =>
      bus.onTransaction((t) => this.slowest.set(t.bus, Math.max(this.slowest.get(t.bus) ?? 0, t.durationMs))),
    );
    this.subscriptions.push(
      source.onEvent((e) => {
        if (e.type !== 'breaker' && !isNotable(e)) return;
        this.recent.unshift(describeTableEvent(e));
        this.recent.length = Math.min(this.recent.length, RECENT_EVENTS);
      }),
    );
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Streams frames to `response` until it closes; false (and nothing sent) when MAX_CLIENTS pages are attached already. */
  attach(response: ServerResponse): boolean {
    if (this.clients.size >= MAX_CLIENTS) return false;
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    // A page whose supervisor restarted reconnects within a second.
    response.write('retry: 1000\n\n');
    this.clients.add(response);
    response.on('close', () => {
      this.clients.delete(response);
      if (this.clients.size === 0) this.stopTicking();
    });
    this.send(response, this.frame());
    if (!this.timer) this.tick();
    return true;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.stopTicking();
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private stopTicking(): void {
    this.timer?.dispose();
    this.timer = undefined;
  }

  private tick(): void {
    const frame = this.frame();
    for (const client of this.clients) this.send(client, frame);
    this.timer = this.clock.setTimer(() => this.tick(), TICK_MS);
    this.timer.keepAlive(false);
  }

  private send(client: ServerResponse, frame: LiveFrame): void {
    client.write(`data: ${JSON.stringify(frame)}\n\n`);
  }

  private frame(): LiveFrame {
    const jobs = this.source.jobs();
    const axes = this.source.snapshot().map((s) => {
      const detail = this.source.axisDetail(s.id);
      const window = detail.followingErrorWindowMm;
      const spark = this.sparks.get(s.id) ?? [];
      spark.push(s.followingErrorMm !== undefined && window ? Math.abs(s.followingErrorMm) / window : 0);
      if (spark.length > SPARK_POINTS) spark.shift();
      this.sparks.set(s.id, spark);
      const tripped = detail.latchedTrip
        ? `latched: ${detail.latchedTrip.reason}`
        : s.breaker !== 'closed'
          ? `${detail.breaker.tripReason ?? 'tripped'} (breaker ${s.breaker})${detail.breaker.isolatedBy.length ? `, isolated by ${detail.breaker.isolatedBy.join(', ')}` : ''}`
          : '';
      return {
        id: s.id,
        state: s.state,
        breaker: s.breaker,
        positionMm: s.positionMm ?? null,
        ageMs: Math.round(s.unobservedMs),
        stale: s.positionMm !== undefined && s.unobservedMs > STALE_AFTER_MS,
        followingErrorMm: s.followingErrorMm ?? null,
        windowMm: window ?? null,
        alarmCode: detail.lastSample?.alarmCode ?? 0,
        job: s.job ? `${s.job.id} ${s.job.movesDone}/${s.job.moves}` : '',
        tripped,
        degraded: degradedText(detail.degradation),
        spark: [...spark],
      };
    });
    const buses = this.buses.map((bus) => {
      const c = bus.master.counters;
      const spark = this.busSparks.get(bus.id) ?? [];
      spark.push(this.slowest.get(bus.id) ?? 0);
      if (spark.length > SPARK_POINTS) spark.shift();
      this.busSparks.set(bus.id, spark);
      this.slowest.delete(bus.id);
      const waits = Object.values(bus.scheduler.counters).map((q) => q.maxWaitMs);
      return {
        id: bus.id,
        calls: { total: c.transactions, timeouts: c.timeouts, badAnswers: c.crcErrors + c.exceptions + c.garbled },
        maxQueueWaitMs: Math.round(Math.max(0, ...waits)),
        spark: [...spark],
      };
    });
    return {
      atMs: this.clock.now(),
      axes,
      buses,
      jobs: jobs.map((j) => ({ id: j.id, axis: j.axis, status: j.status, parkedReason: j.parkedReason ?? '' })),
      events: [...this.recent],
      stalls: { count: this.source.stalls.stallCount, longestMs: Math.round(this.source.stalls.longestStallMs) },
    };
  }
}

/** `read time, settle time (plan derate: 50 % speed)`, or empty for a healthy axis. */
function degradedText(d: DegradationDetail): string {
  if (!d.degraded) return '';
  const signals = d.signals
    .filter((v) => v.degraded)
    .map((v) => signalLabel(v.signal))
    .join(', ');
  const plan =
    d.plan === 'derate' ? `derate: ${Math.round(d.speedFactor * 100)} % speed` : d.plan === 'drain' ? 'drain to its fallback' : 'warn';
  return `${signals} (plan ${plan})`;
}
