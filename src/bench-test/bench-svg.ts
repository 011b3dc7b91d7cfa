import type { BenchSample } from './bench-metrics.ts';

/** What the plot shows. Times in ms from the start of the test, positions and errors in mm. */
export interface PlotInput {
  readonly title: string;
  readonly samples: readonly BenchSample[];
  /** The following-error window at the test speed, drawn as ± dashed lines, mm. */
  readonly followingErrorLimitMm: number;
  /** The test speed, for the window's legend, mm/s. */
  readonly speedMmPerS: number;
  /** When each move was commanded: faint vertical lines. */
  readonly moveTimesMs: readonly number[];
  /** What stopped the test and when (a trip): a red line across both panels. */
  readonly stop?: { readonly tMs: number; readonly label: string };
}

/** Plot size in px. */
const PLOT_WIDTH = 1000;
const PLOT_HEIGHT = 500;

const LEFT = 80;
const RIGHT = PLOT_WIDTH - 30;
const POSITION_PANEL = { top: 56, bottom: 270 };
const ERROR_PANEL = { top: 318, bottom: 440 };
const COLOURS = {
  commanded: '#1f77b4',
  actual: '#e6550d',
  error: '#2ca02c',
  limit: '#888888',
  grid: '#e3e3e3',
  frame: '#333333',
  stop: '#cc0000',
};

interface Range {
  readonly min: number;
  readonly max: number;
}

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const px = (value: number): string => value.toFixed(1);

/** A 1, 2 or 5 × 10^k step giving about `count` intervals over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * power >= raw) ?? 10;
  return step * power;
}

function ticks(range: Range, count: number): number[] {
  const step = niceStep(range.max - range.min, count);
  const out: number[] = [];
  for (let v = Math.ceil(range.min / step) * step; v <= range.max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

const label = (value: number): string => String(Number(value.toPrecision(6)));

/** min..max of `values` with 5 % headroom each side; a flat or empty series gets ±1 around it. */
function paddedRange(values: readonly number[]): Range {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (!Number.isFinite(min)) return { min: -1, max: 1 };
  const pad = max > min ? (max - min) * 0.05 : 1;
  return { min: min - pad, max: max + pad };
}

/** Maps data to pixels inside one panel. */
function scale(domain: Range, from: number, to: number): (v: number) => number {
  return (v) => from + ((v - domain.min) / (domain.max - domain.min)) * (to - from);
}

/**
 * Renders the test as a standalone SVG, PLOT_WIDTH × PLOT_HEIGHT: commanded (profile setpoint) and
 * actual position over time above, following error with its window below, a shared time axis, axis
 * labels with units and a legend. Plain SVG 1.1, no script, no external references.
 */
export function renderBenchSvg(input: PlotInput): string {
  const { samples } = input;
  const time: Range = { min: 0, max: Math.max(samples.at(-1)?.tMs ?? 0, 1) / 1000 };
  const x = scale(time, LEFT, RIGHT);
  const position = paddedRange(samples.flatMap((s) => [s.commandedMm, s.actualMm]));
  const errorSpan = samples.reduce((m, s) => Math.max(m, Math.abs(s.followingErrorMm)), input.followingErrorLimitMm) * 1.15;
  const error: Range = { min: -errorSpan, max: errorSpan };
  const yPosition = scale(position, POSITION_PANEL.bottom, POSITION_PANEL.top);
  const yError = scale(error, ERROR_PANEL.bottom, ERROR_PANEL.top);
  const line = (y: (v: number) => number, pick: (s: BenchSample) => number) =>
    samples.map((s) => `${px(x(s.tMs / 1000))},${px(y(pick(s)))}`).join(' ');
  const timeTicks = ticks(time, 10);

  const panel = (p: { top: number; bottom: number }, y: (v: number) => number, range: Range, yLabel: string): string[] => {
    const middle = (p.top + p.bottom) / 2;
    return [
      ...timeTicks.map((t) => `<line x1="${px(x(t))}" y1="${p.top}" x2="${px(x(t))}" y2="${p.bottom}" stroke="${COLOURS.grid}"/>`),
      ...ticks(range, 5).flatMap((v) => [
        `<line x1="${LEFT}" y1="${px(y(v))}" x2="${RIGHT}" y2="${px(y(v))}" stroke="${COLOURS.grid}"/>`,
        `<text x="${LEFT - 6}" y="${px(y(v) + 4)}" text-anchor="end">${label(v)}</text>`,
      ]),
      ...timeTicks.map((t) => `<text x="${px(x(t))}" y="${p.bottom + 16}" text-anchor="middle">${label(t)}</text>`),
      ...input.moveTimesMs.map(
        (t) =>
          `<line x1="${px(x(t / 1000))}" y1="${p.top}" x2="${px(x(t / 1000))}" y2="${p.bottom}" stroke="${COLOURS.limit}" stroke-dasharray="1 3"/>`,
      ),
      `<rect x="${LEFT}" y="${p.top}" width="${RIGHT - LEFT}" height="${p.bottom - p.top}" fill="none" stroke="${COLOURS.frame}"/>`,
      `<text x="22" y="${px(middle)}" text-anchor="middle" transform="rotate(-90 22 ${px(middle)})">${escapeXml(yLabel)}</text>`,
    ];
  };
  const limit = input.followingErrorLimitMm;
  // Entries side by side, each as wide as its text (about 7 px per character at 12 px).
  let legendX = LEFT;
  const legend = [
    ['commanded (profile setpoint)', COLOURS.commanded, ''],
    ['actual', COLOURS.actual, ''],
    ['following error', COLOURS.error, ''],
    [`window at ${label(input.speedMmPerS)} mm/s: ±${label(limit)} mm`, COLOURS.limit, ' stroke-dasharray="6 4"'],
  ].flatMap(([name, colour, dash]) => {
    const left = legendX;
    legendX += 30 + name!.length * 7 + 24;
    return [
      `<line x1="${left}" y1="40" x2="${left + 24}" y2="40" stroke="${colour}" stroke-width="2"${dash}/>`,
      `<text x="${left + 30}" y="44">${escapeXml(name!)}</text>`,
    ];
  });

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" viewBox="0 0 ${PLOT_WIDTH} ${PLOT_HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="20" font-size="15" font-weight="bold">${escapeXml(input.title)}</text>`,
    ...legend,
    ...panel(POSITION_PANEL, yPosition, position, 'position (mm)'),
    ...panel(ERROR_PANEL, yError, error, 'following error (mm)'),
    `<line x1="${LEFT}" y1="${px(yError(limit))}" x2="${RIGHT}" y2="${px(yError(limit))}" stroke="${COLOURS.limit}" stroke-dasharray="6 4"/>`,
    `<line x1="${LEFT}" y1="${px(yError(-limit))}" x2="${RIGHT}" y2="${px(yError(-limit))}" stroke="${COLOURS.limit}" stroke-dasharray="6 4"/>`,
    `<polyline fill="none" stroke="${COLOURS.commanded}" stroke-width="1.5" points="${line(yPosition, (s) => s.commandedMm)}"/>`,
    `<polyline fill="none" stroke="${COLOURS.actual}" stroke-width="1.5" points="${line(yPosition, (s) => s.actualMm)}"/>`,
    `<polyline fill="none" stroke="${COLOURS.error}" stroke-width="1.5" points="${line(yError, (s) => s.followingErrorMm)}"/>`,
    ...(input.stop ? stopMark(x(input.stop.tMs / 1000), input.stop.label) : []),
    `<text x="${px((LEFT + RIGHT) / 2)}" y="${ERROR_PANEL.bottom + 40}" text-anchor="middle">time (s)</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/** A red line through both panels at `atX`, labelled at the top, on the side with room for the text. */
function stopMark(atX: number, text: string): string[] {
  const anchor = atX > (LEFT + RIGHT) / 2 ? 'end' : 'start';
  const textX = anchor === 'end' ? atX - 4 : atX + 4;
  return [
    `<line x1="${px(atX)}" y1="${POSITION_PANEL.top}" x2="${px(atX)}" y2="${ERROR_PANEL.bottom}" stroke="${COLOURS.stop}" stroke-width="1.5"/>`,
    `<text x="${px(textX)}" y="${POSITION_PANEL.top + 14}" text-anchor="${anchor}" fill="${COLOURS.stop}">${escapeXml(text)}</text>`,
  ];
}
