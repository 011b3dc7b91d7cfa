import type { Figure, Measured } from './figure.ts';
import type { Meta } from './meta.ts';

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

/** bench/RESULTS.md: the command, the machine, the table and how each figure was made. */
export function renderMarkdown(meta: Meta, totalS: number, table: string, done: readonly Done[]): string {
  const commit = meta.gitCommit === undefined ? 'unknown' : `${meta.gitCommit.slice(0, 12)}${meta.gitDirty ? ' (with uncommitted changes)' : ''}`;
  return [
    '## Benchmarks',
    '',
    'Command: `npm run bench` (writes bench/results.json and this file).',
    '',
    `Machine: ${meta.cpuModel}, ${meta.cores} cores, Node ${meta.node}, load average ${meta.loadAverage1m} at the start. ` +
      `Peers: opossum ${meta.peers.opossum}, cockatiel ${meta.peers.cockatiel}.`,
    `Date: ${meta.date}. Commit: ${commit}. Run took ${totalS.toFixed(0)} s.`,
    '',
    '```text',
    table,
    '```',
    '',
    '### How each figure is made',
    '',
    ...done.map(({ figure }) => `- \`${figure.key}\`: ${figure.method}`),
    '',
  ].join('\n');
}
