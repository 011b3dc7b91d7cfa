import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Clock } from '../common/clock.ts';
import { eventLoopStats, type LatencyStats } from './latency-histogram.ts';
import { RoundTripProber, type BusRoundTrips, type RoundTripTarget } from './latency-round-trips.ts';
import { PeriodLatenessTimer, type TimerLateness } from './latency-timer.ts';

/** Sampling interval of the event-loop delay monitor, ms: its finest. */
export const EVENT_LOOP_RESOLUTION_MS = 1;
const PROGRESS_EVERY_MS = 1000;

export interface LatencyProbeOptions {
  /** Real time: the figures mean something only on the machine's own clock. */
  readonly clock: Clock;
  /** Period of the measuring timer, ms (the supervision cycle's). */
  readonly periodMs: number;
  /** How long to measure, ms. */
  readonly durationMs: number;
  /** Drives whose status reads are timed, once each per period; none: timer and event loop only. */
  readonly targets?: readonly RoundTripTarget[];
  /** Called once a second with the worst figures so far. */
  readonly onProgress?: (progress: LatencyProgress) => void;
  /** Ends the measurement early (Ctrl-C); what was measured until then is returned. */
  readonly signal?: AbortSignal;
}

/** The worst figures so far, ms; a figure is absent while nothing was measured. */
export interface LatencyProgress {
  readonly elapsedMs: number;
  readonly worstTimerLatenessMs?: number;
  readonly worstEventLoopDelayMs?: number;
  readonly worstRoundTripMs?: number;
}

/** What a latency test measured. */
export interface LatencyMeasurement {
  /** How long it ran, ms (shorter than asked when interrupted). */
  readonly durationMs: number;
  readonly periodMs: number;
  /** Lateness of each firing of the periodic timer against when it was due. */
  readonly timer: TimerLateness;
  /** perf_hooks' event-loop delay at EVENT_LOOP_RESOLUTION_MS; libuv's millisecond timers add up to ~1 ms to each sample. */
  readonly eventLoop: LatencyStats;
  /** Status-read round trips, bus by bus, in the order the targets named them. */
  readonly buses: readonly BusRoundTrips[];
}

/**
 * Measures for `durationMs` how punctually this process runs: a timer at `periodMs` (lateness of each
 * firing), the event loop's delay, and, per period, one round of status reads on every bus. Rejects
 * only for a programming error; a drive that does not answer is counted, not thrown.
 */
export async function measureLatency(options: LatencyProbeOptions): Promise<LatencyMeasurement> {
  const { clock, periodMs, durationMs, onProgress, signal } = options;
  const prober = new RoundTripProber(clock, options.targets ?? []);
  const timer = new PeriodLatenessTimer(clock, periodMs, () => prober.poll());
  const eventLoop = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  const startMs = clock.now();
  const progress = (): LatencyProgress => {
    const roundTrips = prober.stats().flatMap((bus) => (bus.maxMs === undefined ? [] : [bus.maxMs]));
    return {
      elapsedMs: clock.now() - startMs,
      worstTimerLatenessMs: timer.stats().maxMs,
      worstEventLoopDelayMs: eventLoopStats(eventLoop).maxMs,
      ...(roundTrips.length > 0 ? { worstRoundTripMs: Math.max(...roundTrips) } : {}),
    };
  };

  eventLoop.enable();
  timer.start();
  let ticker =
    onProgress &&
    clock.setTimer(function tick() {
      onProgress(progress());
      ticker = clock.setTimer(tick, PROGRESS_EVERY_MS);
    }, PROGRESS_EVERY_MS);
  try {
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        end.dispose();
        signal?.removeEventListener('abort', stop);
        resolve();
      };
      const end = clock.setTimer(stop, durationMs);
      signal?.addEventListener('abort', stop);
      if (signal?.aborted) stop();
    });
  } finally {
    ticker?.dispose();
    timer.stop();
    eventLoop.disable();
  }
  const measuredMs = clock.now() - startMs;
  // Reads still under way end by their deadlines; their round trips count.
  await prober.settled();
  return { durationMs: measuredMs, periodMs, timer: timer.stats(), eventLoop: eventLoopStats(eventLoop), buses: prober.stats() };
}
