import type { AxisSnapshot } from '../supervisor/snapshot.ts';
import { describeEvent } from './describe-event.ts';
import type { SupervisorEvent } from './events.ts';

/** A bus whose port is not open now: never opened yet, or lost; `detail` says why (ENOENT, EACCES, ...). */
export interface BusDown {
  readonly bus: string;
  readonly state: 'not_opened' | 'lost';
  readonly detail: string;
}

const COLUMNS = ['axis', 'drive', 'state', 'breaker', 'position mm', 'ferror mm', 'job'] as const;

const fixed = (value: number | undefined, digits: number): string => (value === undefined ? '-' : value.toFixed(digits));

function jobCell(s: AxisSnapshot): string {
  if (s.latched) return `held (${s.latched.split(':')[0]})`;
  if (!s.job) return 'idle';
  const queued = s.queuedJobs > 0 ? ` +${s.queuedJobs} queued` : '';
  return `${s.job.id} ${s.job.movesDone}/${s.job.moves}${queued}`;
}

const busLine = (b: BusDown): string => `bus ${b.bus} ${b.state === 'lost' ? 'LOST' : 'NOT OPEN'}: ${b.detail}`;

/** Plain ASCII columns, two spaces apart: the header, a rule of dashes, then the rows. */
export function asciiTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/**
 * Renders the status of every axis, the buses whose port is not open (and why: a wrong path, a
 * missing permission) and the latest events as plain ASCII lines (no colour, no box characters),
 * so it reads the same on a dumb serial terminal as in a desktop terminal.
 */
export function renderStatus(
  nowMs: number,
  axes: readonly AxisSnapshot[],
  recent: readonly SupervisorEvent[],
  busesDown: readonly BusDown[] = [],
): string[] {
  const rows = axes.map((s) => [s.id, s.family, s.state, s.breaker, fixed(s.positionMm, 2), fixed(s.followingErrorMm, 3), jobCell(s)]);
  return [
    `axisguard  t=${(nowMs / 1000).toFixed(3)} s`,
    ...asciiTable(COLUMNS, rows),
    ...(busesDown.length > 0 ? ['', ...busesDown.map(busLine)] : []),
    '',
    'recent events:',
    ...recent.map((e) => `  ${describeEvent(e)}`),
  ];
}
