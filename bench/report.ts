import type { Figure, Measured } from './figure.ts';
import { GENERIC, meaningOf, type Glossary } from './glossary.ts';
import type { Meta } from './meta.ts';
import { round } from './stats.ts';

/** A figure with what it measured. */
export interface Done {
  readonly figure: Figure;
  readonly measured: Measured;
}

/** The figures as a plain-text table: one block per figure, item / value / note columns aligned. */
export function renderTable(done: readonly Done[]): string {
  const rows = done.flatMap((d) => d.measured.rows);
  const itemWidth = Math.max(...rows.map((r) => r.item.length));
  const valueWidth = Math.max(...rows.map((r) => r.value.length));
  return done
    .map(({ figure, measured }) =>
      [
        `${figure.key} — ${figure.title}`,
        ...measured.rows.map((r) => `  ${r.item.padEnd(itemWidth)}  ${r.value.padStart(valueWidth)}  ${r.note ?? ''}`.trimEnd()),
      ].join('\n'),
    )
    .join('\n\n');
}

/** One leaf of results.json: its path (display and lookup segments), value as text. */
interface Leaf {
  readonly key: string;
  readonly segments: readonly string[];
  readonly value: string;
}

/** The last segment of a p50/p99/max leaf, so a glossary can name the triple as a whole. */
const SPREAD = 'p50/p99/max';
const show = (value: unknown): string => (typeof value === 'number' ? String(round(value)) : JSON.stringify(value));
const isSpread = (value: object): value is { p50: number; p99: number; max: number } =>
  Object.keys(value).join() === 'p50,p99,max' && Object.values(value).every((v) => typeof v === 'number');

/** Every leaf under `value`; a p50/p99/max triple is one leaf, a list of plain values is one leaf. */
function leaves(value: unknown, key: string, segments: readonly string[]): Leaf[] {
  if (Array.isArray(value)) {
    if (!value.some((v) => typeof v === 'object' && v !== null)) return [{ key, segments, value: `[${value.map(show).join(', ')}]` }];
    return value.flatMap((v, i) => leaves(v, `${key}[${i}]`, [...segments, '[]']));
  }
  if (typeof value === 'object' && value !== null) {
    if (isSpread(value))
      return [{ key, segments: [...segments, SPREAD], value: `${show(value.p50)} / ${show(value.p99)} / ${show(value.max)}` }];
    return Object.entries(value).flatMap(([k, v]) => leaves(v, `${key}.${k}`, [...segments, k]));
  }
  return [{ key, segments, value: show(value) }];
}

/** Markdown table of every key of results.json with its value and meaning. */
export function renderKeyTable(json: Readonly<Record<string, unknown>>, done: readonly Done[]): string {
  const glossaries = new Map<string, Glossary>(done.map((d) => [d.figure.key, d.figure.glossary ?? {}]));
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const rows = Object.entries(json).flatMap(([key, value]) =>
    leaves(value, key, [key]).map((leaf) => {
      const lookup = (segments: readonly string[]) =>
        meaningOf(segments.slice(1), [glossaries.get(key) ?? {}, GENERIC]) || meaningOf(segments, [GENERIC]);
      const spread = leaf.segments.at(-1) === SPREAD;
      const meaning = lookup(leaf.segments) || (spread ? `${lookup(leaf.segments.slice(0, -1))}, ms: p50 / p99 / max` : '');
      return `| \`${leaf.key}\` | ${cell(leaf.value)} | ${cell(meaning)} |`;
    }),
  );
  return ['| key | value | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** BENCHMARKS.md: the command, the machine, the table, every key of results.json and how each figure was made. */
export function renderMarkdown(
  meta: Meta,
  totalS: number,
  /** The host's steal over the run, all CPUs added up, s. */
  stealS: number,
  table: string,
  done: readonly Done[],
  json: Readonly<Record<string, unknown>>,
): string {
  const commit =
    meta.gitCommit === undefined ? 'unknown' : `${meta.gitCommit.slice(0, 12)}${meta.gitDirty ? ' (with uncommitted changes)' : ''}`;
  return [
    '# Benchmarks',
    '',
    'Command: `npm run bench` (writes bench/results.json and this file, BENCHMARKS.md).',
    '',
    `Machine: ${meta.cpuModel}, ${meta.cores} cores, Node ${meta.node}, load average ${meta.loadAverage1m} at the start. ` +
      `Peers: opossum ${meta.peers.opossum}, cockatiel ${meta.peers.cockatiel}.`,
    `Date: ${meta.date}. Commit: ${commit}. Run took ${totalS.toFixed(0)} s; the host stole ${stealS.toFixed(1)} s of CPU from this machine meanwhile (/proc/stat, all CPUs: time every process here lost at once).`,
    '',
    '```text',
    table,
    '```',
    '',
    '## How each figure is made',
    '',
    ...done.map(({ figure }) => `- \`${figure.key}\`: ${figure.method}`),
    '',
    '## Every key in bench/results.json',
    '',
    'Numbers rounded to 4 significant digits; `a / b / c` is p50 / p99 / max.',
    '',
    renderKeyTable(json, done),
    '',
  ].join('\n');
}
