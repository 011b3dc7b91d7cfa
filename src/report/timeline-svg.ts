import type { JournalEvent } from '../journal/journal.ts';
import type { RunReport } from './incident-report.ts';

/**
 * A run as a picture: one lane per axis over the run's time, ErrorStop as a red bar, a trip as a
 * red mark with its reason, holds (filled when the drive confirmed them), fallback transfers,
 * re-syncs, and the supervisor's own stalls as grey bands across every lane. Plain SVG, no script.
 */

const LANE_H = 34;
const LEFT = 90;
const WIDTH = 900;
const TOP = 30;

/** Text made safe inside SVG or HTML, in element content and in quoted attributes. */
export const esc = (text: string): string =>
  text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

export function timelineSvg(run: RunReport): string {
  const events = run.events;
  const t0 = events[0]?.atMs ?? 0;
  const span = Math.max(1, (events.at(-1)?.atMs ?? t0) - t0);
  const x = (atMs: number) => LEFT + ((atMs - t0) / span) * (WIDTH - LEFT - 20);
  const lane = new Map(run.axes.map((axis, i) => [axis, TOP + i * LANE_H]));
  const height = TOP + run.axes.length * LANE_H + 30;
  const parts: string[] = [];
  // A transfer is drawn from the lane of the axis its job left.
  const y = (e: JournalEvent) => lane.get(String(e.type === 'transfer' ? e.from : e.axis));

  for (const e of events.filter((s) => s.type === 'stall')) {
    const w = Math.max(2, x(e.atMs) - x(e.atMs - Number(e.lengthMs ?? 0)));
    parts.push(
      `<rect x="${x(e.atMs) - w}" y="${TOP - 6}" width="${w}" height="${height - TOP - 18}" fill="#ccc"><title>stall ${Math.round(Number(e.lengthMs))} ms</title></rect>`,
    );
  }
  for (const [axis, top] of lane) {
    parts.push(`<text x="8" y="${top + 18}" font-size="13">${esc(axis)}</text>`);
    parts.push(`<line x1="${LEFT}" y1="${top + 14}" x2="${WIDTH - 20}" y2="${top + 14}" stroke="#999"/>`);
  }
  // ErrorStop spans: from entering it to leaving it (or the end of the run).
  for (const [axis, top] of lane) {
    let from: number | undefined;
    for (const e of events.filter((s) => s.type === 'axis_state' && s.axis === axis)) {
      if (e.to === 'ErrorStop' && from === undefined) from = e.atMs;
      else if (e.from === 'ErrorStop' && e.to !== 'ErrorStop' && from !== undefined) {
        parts.push(
          `<rect x="${x(from)}" y="${top + 9}" width="${Math.max(2, x(e.atMs) - x(from))}" height="10" fill="#e55"><title>${esc(axis)} in ErrorStop</title></rect>`,
        );
        from = undefined;
      }
    }
    if (from !== undefined)
      parts.push(
        `<rect x="${x(from)}" y="${top + 9}" width="${Math.max(2, x(t0 + span) - x(from))}" height="10" fill="#e55"><title>${esc(axis)} in ErrorStop until the end</title></rect>`,
      );
  }
  for (const e of events) {
    const top = y(e);
    if (top === undefined) continue;
    const at = x(e.atMs);
    if (e.type === 'trip')
      parts.push(
        `<path d="M${at} ${top} l6 -8 h-12 z" fill="#c00"><title>trip ${esc(String(e.reason))}: ${esc(String(e.detail))}</title></path><text x="${at + 6}" y="${top + 2}" font-size="10" fill="#c00">${esc(String(e.reason))}</text>`,
      );
    else if (e.type === 'hold')
      parts.push(
        `<circle cx="${at}" cy="${top + 14}" r="4" fill="${e.acknowledged ? '#e80' : 'white'}" stroke="#e80"><title>hold (${esc(String(e.cause))}) ${e.acknowledged ? 'confirmed' : 'NOT confirmed'}</title></circle>`,
      );
    else if (e.type === 'resync')
      parts.push(
        `<rect x="${at - 3}" y="${top + 11}" width="6" height="6" fill="#2a2"><title>re-synced at ${esc(String(e.positionMm))} mm</title></rect>`,
      );
    else if (e.type === 'transfer') {
      const to = lane.get(String(e.to));
      if (to !== undefined)
        parts.push(
          `<line x1="${at}" y1="${top + 14}" x2="${at}" y2="${to + 14}" stroke="#36c" stroke-dasharray="3 2"><title>job ${esc(String(e.job))} to ${esc(String(e.to))}</title></line>`,
        );
    }
  }
  parts.push(
    `<text x="${LEFT}" y="14" font-size="11" fill="#555">red mark: trip; red bar: ErrorStop; orange dot: hold (hollow: not confirmed); green: re-sync; blue dashes: job to fallback; grey: our own stall</text>`,
  );
  parts.push(
    `<text x="${LEFT}" y="${height - 6}" font-size="11">0 s</text><text x="${WIDTH - 60}" y="${height - 6}" font-size="11">${(span / 1000).toFixed(1)} s</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<title>run ${esc(run.runId)}: trips (red marks), ErrorStop (red bars), holds (orange, filled when confirmed), re-syncs (green), fallback transfers (blue), our own stalls (grey)</title>`,
    '<rect width="100%" height="100%" fill="white"/>',
    ...parts,
    '</svg>',
  ].join('\n');
}
