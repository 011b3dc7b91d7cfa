import { journalFiles, readJournal } from '../journal/index.ts';
import type { JournalEvent } from '../journal/journal.ts';
import { buildReport, type IncidentReport } from './incident-report.ts';
import { renderReport, type ReportFormat } from './render-report.ts';

/**
 * The report of the journal at `path` and its rotated files, oldest first. A line that is not a
 * record is skipped and named in the report, never fatal; a journal that is not there is an error
 * naming the path.
 */
export async function readReport(path: string, format: ReportFormat, since?: string): Promise<string> {
  const files = await journalFiles(path);
  if (files.length === 0) throw new Error(`no journal at ${path} (nor rotated files beside it); give the path journal.path names`);
  const events: JournalEvent[] = [];
  const skipped: IncidentReport['skipped'][number][] = [];
  for (const file of files) {
    const contents = await readJournal(file);
    events.push(...contents.events);
    skipped.push(...contents.invalidLines.map((l) => ({ file, line: l.line, reason: l.reason })));
  }
  return renderReport(buildReport(events, skipped, since), format);
}
