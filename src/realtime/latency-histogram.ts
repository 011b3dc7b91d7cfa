import { createHistogram, type IntervalHistogram, type RecordableHistogram } from 'node:perf_hooks';

/** A distribution of durations, ms; the percentiles are absent while nothing was recorded. */
export interface LatencyStats {
  readonly count: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly maxMs?: number;
}

const US_PER_MS = 1000;
const NS_PER_MS = 1_000_000;

/** Percentiles of a Node histogram whose values are in `unitsPerMs` units, as ms. */
function statsOf(histogram: RecordableHistogram | IntervalHistogram, unitsPerMs: number): LatencyStats {
  if (histogram.count === 0) return { count: 0 };
  return {
    count: histogram.count,
    p50Ms: histogram.percentile(50) / unitsPerMs,
    p99Ms: histogram.percentile(99) / unitsPerMs,
    maxMs: histogram.max / unitsPerMs,
  };
}

/**
 * Durations in ms, kept at microsecond resolution in an HDR histogram (3 significant digits): memory
 * stays bounded however long a test runs, where an array of samples would grow by the hour.
 */
export class LatencyHistogram {
  private readonly histogram = createHistogram();

  /** Records one duration, ms; anything below 1 µs counts as 1 µs (the histogram's floor). */
  record(durationMs: number): void {
    this.histogram.record(Math.max(1, Math.round(durationMs * US_PER_MS)));
  }

  stats(): LatencyStats {
    return statsOf(this.histogram, US_PER_MS);
  }
}

/** The stats of perf_hooks.monitorEventLoopDelay's histogram, which counts in nanoseconds. */
export const eventLoopStats = (histogram: IntervalHistogram): LatencyStats => statsOf(histogram, NS_PER_MS);
