import type { Incident, IncidentReport, RunReport } from './incident-report.ts';
import { esc, timelineSvg } from './timeline-svg.ts';

/** The report as Markdown (`md`), as one self-contained HTML page with a timeline per run (`html`), or as JSON. */
export type ReportFormat = 'md' | 'html' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'html', 'json'];

const s = (ms: number | undefined): string => (ms === undefined ? '-' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

function incidentRow(i: Incident): string {
  const confirmation =
    i.holdConfirmedAfterMs === undefined
      ? '**NOT confirmed**'
      : i.holdConfirmedAfterMs === i.toHoldMs
        ? 'confirmed'
        : `confirmed ${s(i.holdConfirmedAfterMs)} after the trip`;
  const hold = i.toHoldMs === undefined ? 'no hold sent' : `${s(i.toHoldMs)}, ${confirmation}`;
  const back =
    i.backAfterMs === undefined ? (i.latched ? '**not yet: latched**' : '**not yet**') : `${s(i.backAfterMs)} (${i.backHow ?? ''})`;
  const cells = [
    i.time ?? s(i.atMs),
    i.axis,
    `${i.reason}${i.latched ? ' (latched)' : ''}`,
    hold,
    i.jobs.join('; ') || '-',
    back,
    i.detail,
  ];
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

function runMarkdown(run: RunReport, index: number): string[] {
  const mttr = Object.entries(run.meanTimeToBackMs).map(([axis, ms]) => `${axis} ${s(ms)}`);
  return [
    `## Run ${index + 1}: ${run.startedAt ?? '?'} to ${run.endedAt ?? '?'}`,
    '',
    `- Run id ${run.runId}${run.config ? `, config ${run.config}` : ''}; ${s(run.lengthMs)} long.`,
    `- Ended: ${run.ending}${run.exitCode === undefined ? '' : `, exit code ${run.exitCode}${run.exitCode === 0 ? '' : ' (not a success)'}`}.`,
    `- ${run.incidents.length} trip${run.incidents.length === 1 ? '' : 's'}; our own stalls: ${run.stalls.count}${run.stalls.count ? `, the longest ${s(run.stalls.longestMs)}` : ''}.`,
    ...(mttr.length ? [`- Mean time from trip to back, per axis: ${mttr.join(', ')}.`] : []),
    '',
    ...(run.incidents.length
      ? [
          '| when | axis | reason | to hold | jobs | back after | detail |',
          '|---|---|---|---|---|---|---|',
          ...run.incidents.map(incidentRow),
          '',
        ]
      : []),
    ...(run.open.length
      ? ['**Still open:**', '', ...run.open.map((o) => `- ${o.what}. Next: ${o.next}.`), '']
      : ['Nothing left open.', '']),
  ];
}

export function reportMarkdown(report: IncidentReport): string {
  const skipped = report.skipped.length
    ? ['## Journal lines skipped', '', ...report.skipped.map((l) => `- ${l.file}:${l.line}: ${l.reason}`), '']
    : [];
  return [
    '# axisguard incident report',
    '',
    report.runs.length ? `${report.runs.length} run${report.runs.length === 1 ? '' : 's'}.` : 'No runs in this journal (for this period).',
    '',
    ...report.runs.flatMap(runMarkdown),
    ...skipped,
  ].join('\n');
}

/** A page a browser opens from disk: the Markdown's text (preformatted) and each run's timeline. */
export function reportHtml(report: IncidentReport): string {
  const runs = report.runs.map((run, i) => `<section><pre>${esc(runMarkdown(run, i).join('\n'))}</pre>\n${timelineSvg(run)}</section>`);
  return [
    '<!doctype html><html><head><meta charset="utf-8"><title>axisguard incident report</title>',
    '<style>body{font-family:sans-serif;margin:2em} pre{white-space:pre-wrap} svg{border:1px solid #ddd}</style></head><body>',
    '<h1>axisguard incident report</h1>',
    ...runs,
    ...(report.skipped.length
      ? [`<h2>Journal lines skipped</h2><pre>${esc(report.skipped.map((l) => `${l.file}:${l.line}: ${l.reason}`).join('\n'))}</pre>`]
      : []),
    '</body></html>',
  ].join('\n');
}

export function renderReport(report: IncidentReport, format: ReportFormat): string {
  if (format === 'json') return JSON.stringify({ runs: report.runs.map(({ events: _, ...run }) => run), skipped: report.skipped }, null, 2);
  return format === 'html' ? reportHtml(report) : reportMarkdown(report);
}
