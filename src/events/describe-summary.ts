import type { RunSummary } from './events.ts';

/** The summary as a few plain lines, for under the live table's last frame. */
export function describeSummary(s: RunSummary): string[] {
  const { jobs } = s;
  const trips = Object.entries(s.trips);
  const list = (ids: readonly string[]) => (ids.length > 0 ? ` (${ids.join(', ')})` : '');
  const notStarted = jobs.notStarted.length > 0 ? `, ${jobs.notStarted.length} of them not started` : '';
  return [
    `run ended: ${s.reason}`,
    `  jobs: ${jobs.done}/${jobs.total} done, ${jobs.parked.length} parked${list(jobs.parked)}, ${jobs.interrupted.length} interrupted${list(jobs.interrupted)}${notStarted}`,
    `  trips: ${trips.length === 0 ? 'none' : trips.map(([reason, n]) => `${reason} x${n}`).join(', ')}`,
    `  holds not confirmed: ${s.holdsNotConfirmed.length === 0 ? 'none' : s.holdsNotConfirmed.join(', ')}`,
    ...s.busesNotOpened.map((b) => `  bus ${b.bus} never opened: ${b.why}`),
  ];
}

/** The summary in one log line: its lines joined with "; ". */
export function summaryLine(s: RunSummary): string {
  return describeSummary(s)
    .map((line) => line.trim())
    .join('; ');
}
