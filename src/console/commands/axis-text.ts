import type { SignalView } from '../../degradation/axis-degradation.ts';
import { formatSignalValue, signalLabel } from '../../degradation/signals.ts';
import type { AxisDetail } from '../../supervisor/detail.ts';
import type { JobTransfer, JobView } from '../../line/job-board.ts';
import { describeFault } from '../line-events.ts';
import type { SimulatedAxis } from './command.ts';

const mm = (value: number, digits = 3): string => `${value.toFixed(digits)} mm`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(3)}s`;
const yesNo = (flag: boolean): string => (flag ? 'yes' : 'no');

/** The detail of one axis as plain ASCII lines, for `axis <id>`. `nowMs` is clock time. */
export function renderAxisDetail(d: AxisDetail, nowMs: number, sim: SimulatedAxis | undefined): string[] {
  const s = d.snapshot;
  const { minMm, maxMm, maxSpeedMmPerS } = d.limits;
  const sample = d.lastSample;
  const b = d.breaker;
  const trips = Object.entries(b.counters.trips)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${n}`);
  const probe =
    b.nextProbeAtMs === undefined
      ? ''
      : `, next probe ${b.nextProbeAtMs <= nowMs ? 'due now' : `in ${((b.nextProbeAtMs - nowMs) / 1000).toFixed(3)} s`}`;
  return [
    `axis ${s.id} (${s.family}): ${s.state}, power ${d.wantPower ? 'wanted' : 'off by a technician'}`,
    `  travel [${minMm}, ${maxMm}] mm, max ${maxSpeedMmPerS} mm/s, fallback ${d.fallback ?? 'none'}`,
    sample && d.lastSampleAtMs !== undefined
      ? `  last sample at ${seconds(d.lastSampleAtMs)} (${Math.max(0, nowMs - d.lastSampleAtMs).toFixed(0)} ms ago): position ${mm(sample.positionMm, 2)}, target ${mm(sample.targetMm, 2)}, velocity ${sample.velocityMmPerS.toFixed(2)} mm/s, ferror ${mm(sample.followingErrorMm)}`
      : '  last sample: none yet',
    sample
      ? `  drive: alarm ${sample.alarmCode}, enabled ${yesNo(sample.enabled)}, ready ${yesNo(sample.ready)}, moving ${yesNo(sample.moving)}, holding ${yesNo(sample.holding)}, target reached ${yesNo(sample.targetReached)}`
      : '  drive: no answer yet',
    `  breaker ${b.state}${probe}; isolated by: ${b.isolatedBy.length > 0 ? b.isolatedBy.join(', ') : 'nobody'}; hold pending: ${yesNo(d.holdPending)}`,
    `  breaker counters: successes ${b.counters.successes}, failures ${b.counters.failures}, rejections ${b.counters.rejections}, late results ${b.counters.lateResults}; trips: ${trips.join(', ') || 'none'}`,
    `  latched trip: ${d.latchedTrip ? `${d.latchedTrip.reason}: ${d.latchedTrip.detail} (reset ${s.id} to clear)` : 'none'}`,
    `  job: ${s.job ? `${s.job.id} move ${s.job.movesDone}/${s.job.moves}${s.queuedJobs > 0 ? `, ${s.queuedJobs} more queued` : ''}` : 'idle'}`,
    ...renderDegradation(d),
    ...(sim
      ? [
          `  simulated faults: ${
            sim
              .activeFaults()
              .map((f) => `#${f.id} ${describeFault(f.spec)} since ${seconds(f.sinceMs)}`)
              .join(', ') || 'none'
          }`,
        ]
      : []),
  ];
}

/** The degradation watch: the plan in force, each signal against its baseline, and the retries so far. */
function renderDegradation(d: AxisDetail): string[] {
  const g = d.degradation;
  const state = g.degraded
    ? `DEGRADED (${g.signals
        .filter((v) => v.degraded)
        .map((v) => signalLabel(v.signal))
        .join(
          ', ',
        )}), plan ${g.plan}${g.speedFactor < 1 ? `: job moves at ${Math.round(g.speedFactor * 100)} % speed` : ''}${g.draining ? ': draining to its fallback' : ''}`
    : `healthy, plan ${g.plan} if degraded`;
  const signal = (v: SignalView) => {
    const now = v.current === undefined ? 'no observation yet' : formatSignalValue(v.signal, v.current);
    const base = v.baseline ? `baseline ${formatSignalValue(v.signal, v.baseline.mean)}` : 'learning';
    return `${signalLabel(v.signal)} ${now} (${base}${v.degraded ? ', DEGRADED' : ''})`;
  };
  const retries = g.retries
    ? `crc ${g.retries.crc}, garbled ${g.retries.garbled}, timeout ${g.retries.timeout}`
    : 'not kept by this driver';
  return [`  degradation: ${state}`, `  signals: ${g.signals.map(signal).join('; ')}`, `  retried exchanges: ${retries}`];
}

/** One line per job: where it is, how far, why it is parked, and every hand-off, parking and resume before. */
export function renderJobs(jobs: readonly JobView[]): string[] {
  if (jobs.length === 0) return ['no jobs configured'];
  return jobs.map((j) => {
    const where = j.status === 'parked' ? `PARKED on ${j.axis}: ${j.parkedReason ?? 'no reason given'}` : `${j.status} on ${j.axis}`;
    return [`${j.id}: ${where}, ${j.movesDone}/${j.moves.length} moves done`, ...j.transfers.map(describeTransfer)].join('; ');
  });
}

/** A hand-off or a resume in a few words: `moved a -> b at move 2 (2.540s)`. */
export function describeTransfer(t: JobTransfer): string {
  const moved = `at move ${t.fromMove} (${seconds(t.atMs)})`;
  if (t.kind === 'fallback') return `moved ${t.from} -> ${t.to} ${moved}`;
  return `parked on ${t.from} (${seconds(t.parked.atMs)}): ${t.parked.reason}; resumed on ${t.to} by ${t.by} ${moved}`;
}
