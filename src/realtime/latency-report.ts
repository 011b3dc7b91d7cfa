import { assertNever } from '../common/never.ts';
import type { LatencyStats } from './latency-histogram.ts';
import { EVENT_LOOP_RESOLUTION_MS, type LatencyMeasurement, type LatencyProgress } from './latency-probe.ts';
import type { UnitRoundTrips } from './latency-round-trips.ts';
import { LATE_THRESHOLDS_MS } from './latency-timer.ts';
import type { BusVerdict, ConfigCheck, LatencyVerdict } from './latency-verdict.ts';

/** Where a person finds what to do about a NOT OK. */
const WHAT_TO_DO = 'hardware/DEPLOY.md, "Priority and latency"';

/** A duration for people: two decimals below 10 ms, one above. */
const ms = (value: number | undefined): string => (value === undefined ? '-' : `${value.toFixed(value < 10 ? 2 : 1)} ms`);

const row = (label: string, stats: LatencyStats, detail: string): string =>
  `${label.padEnd(22)}${ms(stats.p50Ms).padStart(10)}${ms(stats.p99Ms).padStart(10)}${ms(stats.maxMs).padStart(10)}   ${detail}`;

/** What one longest gap is made of, e.g. "period 10 ms + worst lateness 3.10 ms + 4 drives x 4.20 ms on bus rs485". */
const gapParts = (verdict: LatencyVerdict, bus: BusVerdict | undefined): string =>
  `period ${verdict.periodMs} ms + worst lateness ${ms(verdict.worstLatenessMs)}` +
  (bus === undefined ? '' : ` + ${bus.drives} drives x ${ms(bus.worstRoundTripMs)} on bus ${bus.bus}`);

/** One progress line for a terminal: elapsed and the worst figures so far. */
export function progressLine(progress: LatencyProgress, durationMs: number): string {
  const roundTrip = progress.worstRoundTripMs === undefined ? '' : `, round trip ${ms(progress.worstRoundTripMs)}`;
  return `latency-test: ${(progress.elapsedMs / 1000).toFixed(0)}/${(durationMs / 1000).toFixed(0)} s, worst so far: timer ${ms(progress.worstTimerLatenessMs)}, event loop ${ms(progress.worstEventLoopDelayMs)}${roundTrip}`;
}

/**
 * The verdict in sentences a person can act on, LinuxCNC-style: the period this machine holds, the
 * watchdog it needs, then (with a config) each of the config's demands, OK or NOT OK with the margin
 * and what to change, and a last line with the overall result.
 */
export function verdictAdvice(verdict: LatencyVerdict, measurement: LatencyMeasurement, source: string | undefined): string[] {
  const worstBus = verdict.buses.find((b) => b.longestGapMs === verdict.longestGapMs);
  const lines = [
    `This machine can hold a cycle period of ${verdict.holdablePeriodMs} ms (worst lateness seen ${ms(verdict.worstLatenessMs)})` +
      (verdict.holdablePeriodMs > verdict.periodMs ? `, not the ${verdict.periodMs} ms tested.` : '.'),
    `At a ${verdict.periodMs} ms period, a drive comm-loss watchdog of at least ${verdict.minWatchdogMs} ms keeps a margin of ${ms(verdict.marginMs)} ` +
      `over the longest request gap a healthy drive can see (${ms(verdict.longestGapMs)} = ${gapParts(verdict, worstBus)}).`,
  ];
  if (verdict.buses.length > 1) {
    for (const bus of verdict.buses)
      lines.push(`  bus ${bus.bus}: watchdog at least ${bus.minWatchdogMs} ms (gap ${ms(bus.longestGapMs)} = ${gapParts(verdict, bus)})`);
  }
  for (const group of groupChecks(verdict.checks)) lines.push(describeCheck(group, verdict, measurement));
  if (source === undefined) lines.push('No config given: run again with the line config to check its period and drive watchdogs.');
  else if (verdict.ok) lines.push(`OK: this machine can hold ${source}.`);
  else lines.push(`NOT OK: this machine cannot hold ${source} as configured; what to do: ${WHAT_TO_DO}.`);
  return lines;
}

/** Checks of several drives with the same outcome on one bus, said in one line. */
type CheckGroup = ConfigCheck & { readonly drives: readonly { readonly axis: string; readonly unitId: number }[] };

/** Drives whose checks read the same (same bus, kind, watchdog and need) share one line; no_answer stays per drive, each with its own error. */
function groupChecks(checks: readonly ConfigCheck[]): CheckGroup[] {
  const groups = new Map<string, CheckGroup>();
  checks.forEach((check, i) => {
    const key =
      check.kind === 'watchdog'
        ? `w|${check.bus}|${check.watchdogMs}|${check.neededMs}`
        : check.kind === 'watchdog_off'
          ? `o|${check.bus}|${check.neededMs}`
          : String(i);
    const group = groups.get(key);
    const drive = 'axis' in check ? [{ axis: check.axis, unitId: check.unitId }] : [];
    groups.set(key, group ? { ...group, drives: [...group.drives, ...drive] } : { ...check, drives: drive });
  });
  return [...groups.values()];
}

/** e.g. "ax1 (bus rs485, unit 1)" or "ax1, ax2 (bus rs485, units 1, 2)". */
const drivesLabel = (bus: string, drives: CheckGroup['drives']): string =>
  `${drives.map((d) => d.axis).join(', ')} (bus ${bus}, unit${drives.length > 1 ? 's' : ''} ${drives.map((d) => d.unitId).join(', ')})`;

function describeCheck(check: CheckGroup, verdict: LatencyVerdict, measurement: LatencyMeasurement): string {
  switch (check.kind) {
    case 'period':
      return check.ok
        ? `cycle.periodMs ${check.periodMs} ms: OK (this machine holds ${check.neededMs} ms and longer)`
        : `cycle.periodMs ${check.periodMs} ms: NOT OK, this machine holds ${check.neededMs} ms and longer (worst lateness ${ms(verdict.worstLatenessMs)}); lengthen cycle.periodMs to at least ${check.neededMs}`;
    case 'watchdog': {
      const drives = `${drivesLabel(check.bus, check.drives)}: commLossTimeoutMs ${check.watchdogMs} ms`;
      return check.ok
        ? `${drives}: OK, ${check.watchdogMs - check.neededMs} ms above the ${check.neededMs} ms needed`
        : `${drives}: NOT OK, ${check.neededMs - check.watchdogMs} ms short of the ${check.neededMs} ms needed; raise commLossTimeoutMs in the drive profile to at least ${check.neededMs}, or shorten the gap (see ${WHAT_TO_DO})`;
    }
    case 'watchdog_off':
      return `${drivesLabel(check.bus, check.drives)}: commLossTimeoutMs 0 (off): NOT OK, the drive will not hold by itself when axisguard or the bus goes quiet; set commLossTimeoutMs in the drive profile to at least ${check.neededMs}`;
    case 'no_answer': {
      const unit = findUnit(measurement, check.bus, check.unitId);
      const last = unit?.lastError === undefined ? '' : ` (last: ${unit.lastError})`;
      return `${drivesLabel(check.bus, check.drives)}: NOT OK, none of its ${unit?.reads ?? 0} status reads was answered${last}; check the port, wiring, unit id, baud rate and parity`;
    }
    default:
      return assertNever(check, 'latency check');
  }
}

const findUnit = (measurement: LatencyMeasurement, bus: string, unitId: number): UnitRoundTrips | undefined =>
  measurement.buses.find((b) => b.bus === bus)?.units.find((u) => u.unitId === unitId);

/** The figures as a table, then the verdict's sentences: what `axisguard latency-test` prints on a terminal. */
export function formatLatencyReport(measurement: LatencyMeasurement, verdict: LatencyVerdict, source: string | undefined): string {
  const { timer, eventLoop } = measurement;
  const over = LATE_THRESHOLDS_MS.map((t) => timer.lateOverMs[String(t)] ?? 0).join('/');
  const lines = [
    `axisguard latency-test: ${(measurement.durationMs / 1000).toFixed(1)} s at a ${measurement.periodMs} ms period${source === undefined ? '' : `, against ${source}`}`,
    '',
    `${''.padEnd(22)}${'p50'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}`,
    row('timer lateness', timer, `${timer.count} firings; later than ${LATE_THRESHOLDS_MS.join('/')} ms: ${over}`),
    row('event-loop delay', eventLoop, `${eventLoop.count} samples every ${EVENT_LOOP_RESOLUTION_MS} ms`),
  ];
  for (const bus of measurement.buses) {
    lines.push(row(`${bus.bus} round trip`, bus, `${bus.drives} drives, ${bus.reads} reads, ${bus.failed} failed`));
    for (const unit of bus.units) {
      if (unit.failed > 0)
        lines.push(`  ${unit.axis} (unit ${unit.unitId}): ${unit.failed} of ${unit.reads} reads failed (last: ${unit.lastError})`);
    }
  }
  lines.push('', ...verdictAdvice(verdict, measurement, source));
  return `${lines.join('\n')}\n`;
}

/** The one JSON object `axisguard latency-test --json` prints. */
export function latencyDocument(measurement: LatencyMeasurement, verdict: LatencyVerdict, source: string | undefined): object {
  return {
    type: 'latency_test',
    source: source ?? null,
    durationMs: measurement.durationMs,
    periodMs: measurement.periodMs,
    timer: measurement.timer,
    eventLoop: { resolutionMs: EVENT_LOOP_RESOLUTION_MS, ...measurement.eventLoop },
    buses: measurement.buses,
    verdict,
    advice: verdictAdvice(verdict, measurement, source),
  };
}
