import type { AxisSnapshot } from '../supervisor/snapshot.ts';
import { describeEvent } from './describe-event.ts';
import type { BusEvent, SupervisorEvent } from './events.ts';

/** A bus whose port is not open now: never opened yet, or lost; `detail` says why (ENOENT, EACCES, ...). */
export interface BusDown {
  readonly bus: string;
  readonly state: 'not_opened' | 'lost';
  readonly detail: string;
}

/** What the table lists under the axes: the story of the run, breaker and bus changes included. */
export type TableEvent = SupervisorEvent | BusEvent;

/** How the last shutdown hold of an axis went, for the final frame. */
export type ShutdownHold = 'confirmed' | 'not confirmed';

export interface StatusOptions {
  /** Columns the table may use; every line is cut to it. Default 80, a serial terminal's. */
  readonly width?: number;
  /** Axes held at shutdown, by id: their state cell says so (the PLCopen state does not change at shutdown). */
  readonly shutdownHolds?: ReadonlyMap<string, ShutdownHold>;
}

/** Narrower than this, the short layout: abbreviated states and breaker, no drive column. */
const WIDE_FROM = 100;
/** A status sample older than this is shown with its age: the drive may have moved since. */
export const STALE_AFTER_MS = 250;

const SHORT_STATE: Readonly<Record<AxisSnapshot['state'], string>> = {
  Disabled: 'off',
  Standstill: 'still',
  DiscreteMotion: 'moving',
  Stopping: 'STOP',
  ErrorStop: 'ERROR',
};
const SHORT_BREAKER: Readonly<Record<string, string>> = { closed: 'ok', half_open: 'probe', open: 'OPEN' };

/** The breaker cell: a closed breaker on a degraded axis says so (a trip says more, and wins). */
function breakerCell(s: AxisSnapshot, wide: boolean): string {
  const breaker = wide ? s.breaker : (SHORT_BREAKER[s.breaker] ?? s.breaker);
  if (!s.degraded || s.breaker !== 'closed') return breaker;
  return wide ? `${breaker}, DEGRADED (${s.degraded})` : 'DEGR';
}

const fixed = (value: number | undefined, digits: number): string => (value === undefined ? '-' : value.toFixed(digits));

/** A value from a sample that is not fresh carries its age. */
function sampled(s: AxisSnapshot, value: number | undefined, digits: number): string {
  const cell = fixed(value, digits);
  return value !== undefined && s.unobservedMs > STALE_AFTER_MS ? `${cell} (${(s.unobservedMs / 1000).toFixed(1)}s old)` : cell;
}

function jobCell(s: AxisSnapshot): string {
  if (s.latched) return `held (${s.latched.split(':')[0]})`;
  if (!s.job) return 'idle';
  const queued = s.queuedJobs > 0 ? ` +${s.queuedJobs} queued` : '';
  return `${s.job.id} ${s.job.movesDone}/${s.job.moves}${queued}`;
}

function stateCell(s: AxisSnapshot, wide: boolean, held: ShutdownHold | undefined): string {
  // An axis in ErrorStop stays shown so: the latch outlives the shutdown.
  if (s.state === 'ErrorStop') return wide ? s.state : SHORT_STATE[s.state];
  if (held === 'confirmed') return 'held';
  if (held === 'not confirmed') return 'HOLD NOT CONFIRMED';
  return wide ? s.state : SHORT_STATE[s.state];
}

const busLine = (b: BusDown): string => `bus ${b.bus} ${b.state === 'lost' ? 'LOST' : 'NOT OPEN'}: ${b.detail}`;

/**
 * One line for an event under the table: a bus change in its own words, any other as the journal
 * tells it, without the axis named again inside its detail (`ax1: TRIP ...: ax1 (unit 1): ...`).
 */
export function describeTableEvent(e: TableEvent): string {
  if (e.type === 'bus')
    return `${(e.atMs / 1000).toFixed(3)}s bus ${e.bus}: ${e.state.replace('_', ' ')}${e.detail ? ` (${e.detail})` : ''}`;
  const text = describeEvent(e);
  if (!('axis' in e)) return text;
  const first = text.indexOf(`${e.axis}:`);
  const repeated = new RegExp(`(axis '${e.axis}': |${e.axis} \\(unit \\d+\\): |${e.axis}: )`, 'g');
  return first < 0 ? text : text.slice(0, first + e.axis.length + 1) + text.slice(first + e.axis.length + 1).replace(repeated, '');
}

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

/** `line` broken into lines of at most `width` columns at spaces, the continuations indented (text a person must read whole). */
export function wrapToWidth(line: string, width: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    const at = cut > 4 ? cut : width;
    out.push(rest.slice(0, at).trimEnd());
    rest = `    ${rest.slice(at).trimStart()}`;
  }
  out.push(rest);
  return out;
}

/** `line` cut to `width` columns, a `>` at the end saying it was. */
const cutToWidth = (line: string, width: number): string => (line.length <= width ? line : `${line.slice(0, width - 1)}>`);

/**
 * Renders the status of every axis, the buses whose port is not open (and why: a wrong path, a
 * missing permission) and the latest events as plain ASCII lines (no colour, no box characters),
 * so it reads the same on a dumb serial terminal as in a desktop terminal. Below WIDE_FROM columns
 * the short layout; every line fits `width`, so a redraw never wraps.
 */
export function renderStatus(
  nowMs: number,
  axes: readonly AxisSnapshot[],
  recent: readonly TableEvent[],
  busesDown: readonly BusDown[] = [],
  options: StatusOptions = {},
): string[] {
  const width = Math.max(40, options.width ?? 80);
  const wide = width >= WIDE_FROM;
  const held = (s: AxisSnapshot) => options.shutdownHolds?.get(s.id);
  const table = wide
    ? asciiTable(
        ['axis', 'drive', 'state', 'breaker', 'position mm', 'ferror mm', 'job'],
        axes.map((s) => [
          s.id,
          s.family,
          stateCell(s, true, held(s)),
          breakerCell(s, true),
          sampled(s, s.positionMm, 2),
          sampled(s, s.followingErrorMm, 3),
          jobCell(s),
        ]),
      )
    : asciiTable(
        ['axis', 'state', 'brk', 'pos mm', 'ferr mm', 'job'],
        axes.map((s) => [
          s.id,
          stateCell(s, false, held(s)),
          breakerCell(s, false),
          sampled(s, s.positionMm, 2),
          fixed(s.followingErrorMm, 3),
          jobCell(s),
        ]),
      );
  return [
    `axisguard  t=${(nowMs / 1000).toFixed(3)} s`,
    ...table,
    ...(busesDown.length > 0 ? ['', ...busesDown.map(busLine)] : []),
    '',
    'recent events:',
    ...recent.map((e) => `  ${describeTableEvent(e)}`),
  ].map((line) => cutToWidth(line, width));
}
