import { runChild } from '../child.ts';
import type { Figure, Row } from '../figure.ts';
import { median, percentile, round } from '../stats.ts';

interface LeadRun {
  readonly seed: number;
  readonly degradedAtMs: number | null;
  readonly signal: string | null;
  readonly tripAtMs: number | null;
  readonly tripReason: string | null;
}
interface LeadOutput {
  readonly runs: readonly LeadRun[];
  readonly wallS: number;
}
interface SoakOutput {
  readonly axes: number;
  readonly simulatedS: number;
  readonly degradedEvents: number;
  readonly trips: number;
  readonly wallS: number;
}
interface RetryOutput {
  readonly runs: readonly {
    readonly seed: number;
    readonly withRetry: { readonly trips: number };
    readonly without: { readonly trips: number };
  }[];
  readonly wallS: number;
}

const FAULTS = [
  { key: 'wear', label: 'wear (+10 % servo lag per minute)' },
  { key: 'slowing_drive', label: 'slowing drive (+1 ms answer time per minute)' },
  { key: 'degrading_link', label: 'degrading link (+2 % corrupt answers per minute)' },
] as const;
const SEEDS = 20;
const SOAK_AXES = 4;
const SOAK_HOURS = 24;
const RETRY_SEEDS = 10;
/** Ten minutes of a degrading link (up to 20 % corrupt answers) after its start at minute 5. */
const RETRY_MINUTES = 15;

const minutes = (ms: number) => round(ms / 60_000, 3);

export const degradation: Figure = {
  key: 'degradation',
  glossary: {
    'lead.*.leadMin.p50': 'minutes from the `degraded` event to the trip, median over the seeds',
    'lead.*.leadMin.p10': 'the same, 10th percentile: nine runs in ten warned at least this early',
    'lead.*.leadMin.min': 'the same, the shortest',
    'lead.*.detectMin.p50': 'minutes from the fault starting to `degraded`, median',
    'lead.*.warnedBeforeTrip': 'runs whose `degraded` came before the trip, of all runs',
    'lead.*.signals.*': 'runs in which this signal raised `degraded` first',
    'lead.*.tripReasons.*': 'runs that finally tripped for this reason',
    'lead.*.wallS': 'wall time of the seeds of this fault, s',
    'soak.falseAlarmsPerAxisDay': '`degraded` events per axis per simulated day on healthy axes (target 0)',
    'soak.degradedEvents': '`degraded` events in the whole soak',
    'soak.trips': 'trips in the whole soak',
    'retry.minutesOfFault': 'minutes of degrading link counted',
    'retry.tripsWithRetry': 'trips over all seeds with retries: 1',
    'retry.tripsWithout': 'the same with retries: 0',
    'retry.perSeed.[]': '[trips with retry, trips without] of one seed',
  },
  title: 'See it coming: lead time of `degraded` before the trip, false alarms, trips avoided by retry',
  timed: false,
  method:
    `Virtual time, the composition root's line, the in-process simulator (1 ms latency + up to 1 ms jitter, 10 ms cycle, 20 ms deadline), one axis shuttling 50 <-> 250 mm at 150 mm/s. ` +
    `Lead time: each slowly developing fault from minute 5, ${SEEDS} seeds each (jitter and fault draws), until the axis trips; lead = trip - first \`degraded\`. ` +
    `False alarms: ${SOAK_AXES} healthy axes for ${SOAK_HOURS} simulated hours, no fault, \`degraded\` events counted. ` +
    `Retry: a degrading link from minute 5 for ${RETRY_MINUTES - 5} minutes (up to ${(RETRY_MINUTES - 5) * 2} % corrupt answers), ${RETRY_SEEDS} seeds, run through trips and recoveries, with retries: 1 and retries: 0 (same seed, same fault draws).`,
  async measure(progress) {
    const lead: Record<string, object> = {};
    const rows: Row[] = [];
    for (const { key, label } of FAULTS) {
      progress(`lead time, ${key}, ${SEEDS} seeds`);
      const out = await runChild<LeadOutput>('degradation.ts', ['lead', key, SEEDS]);
      const warned = out.runs.filter((r) => r.degradedAtMs !== null && r.tripAtMs !== null && r.degradedAtMs < r.tripAtMs);
      const leads = warned.map((r) => r.tripAtMs! - r.degradedAtMs!);
      const detects = out.runs.filter((r) => r.degradedAtMs !== null).map((r) => r.degradedAtMs! - 300_000);
      const count = (values: readonly (string | null)[]) =>
        Object.fromEntries([...new Set(values)].map((v) => [String(v), values.filter((x) => x === v).length]));
      lead[key] = {
        leadMin: { p50: minutes(median(leads)), p10: minutes(percentile(leads, 10)), min: minutes(Math.min(...leads)) },
        detectMin: { p50: minutes(median(detects)) },
        warnedBeforeTrip: `${warned.length}/${out.runs.length}`,
        signals: count(out.runs.map((r) => r.signal)),
        tripReasons: count(out.runs.map((r) => r.tripReason)),
        wallS: round(out.wallS, 3),
      };
      rows.push({
        item: `lead time, ${label}`,
        value: `p50 ${minutes(median(leads)).toFixed(1)} min, p10 ${minutes(percentile(leads, 10)).toFixed(1)} min`,
        note: `${warned.length}/${out.runs.length} warned before the trip; degraded ${minutes(median(detects)).toFixed(1)} min after the fault began (p50)`,
      });
    }
    progress(`soak, ${SOAK_AXES} healthy axes x ${SOAK_HOURS} h`);
    const soak = await runChild<SoakOutput>('degradation.ts', ['soak', SOAK_AXES, SOAK_HOURS]);
    const axisDays = (soak.axes * soak.simulatedS) / 86_400;
    rows.push({
      item: `false alarms, ${soak.axes} healthy axes x ${soak.simulatedS / 3600} simulated h`,
      value: `${round(soak.degradedEvents / axisDays, 3)} per axis-day`,
      note: `${soak.degradedEvents} degraded events, ${soak.trips} trips; ${soak.wallS.toFixed(0)} s wall`,
    });
    progress(`retry vs none, ${RETRY_SEEDS} seeds`);
    const retry = await runChild<RetryOutput>('degradation.ts', ['retry', RETRY_SEEDS, RETRY_MINUTES]);
    const withRetry = retry.runs.reduce((sum, r) => sum + r.withRetry.trips, 0);
    const without = retry.runs.reduce((sum, r) => sum + r.without.trips, 0);
    rows.push({
      item: `trips in ${RETRY_MINUTES - 5} min of a degrading link, ${RETRY_SEEDS} seeds`,
      value: `${withRetry} with 1 retry vs ${without} without`,
      note: `${without - withRetry} trips avoided (${retry.wallS.toFixed(0)} s wall)`,
    });
    return {
      result: {
        lead,
        soak: {
          axes: soak.axes,
          simulatedS: soak.simulatedS,
          degradedEvents: soak.degradedEvents,
          trips: soak.trips,
          falseAlarmsPerAxisDay: round(soak.degradedEvents / axisDays, 3),
          wallS: round(soak.wallS, 3),
        },
        retry: {
          minutesOfFault: RETRY_MINUTES - 5,
          tripsWithRetry: withRetry,
          tripsWithout: without,
          perSeed: retry.runs.map((r) => [r.withRetry.trips, r.without.trips]),
        },
      },
      rows,
    };
  },
};
