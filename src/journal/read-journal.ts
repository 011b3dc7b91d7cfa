import { readFile } from 'node:fs/promises';
import type { JournalEvent } from './journal.ts';

/** A line that is not a journal event, e.g. the half line of a writer killed mid-write. */
export interface InvalidJournalLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly reason: string;
  readonly text: string;
}

export interface JournalContents {
  /** Every valid event, in file order. */
  readonly events: readonly JournalEvent[];
  /** Every line that is neither blank nor a valid event. */
  readonly invalidLines: readonly InvalidJournalLine[];
}

/**
 * Reads a journal file written by Journal. Blank lines are skipped (Journal leaves one after a
 * failed write); any other line must be a JSON object with a string `type` and a finite `atMs`.
 * Rejects only when the file cannot be read.
 */
export async function readJournal(path: string): Promise<JournalContents> {
  const text = await readFile(path, 'utf8');
  const events: JournalEvent[] = [];
  const invalidLines: InvalidJournalLine[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const parsed = parseEvent(line);
    if (typeof parsed === 'string') invalidLines.push({ line: index + 1, reason: parsed, text: line });
    else events.push(parsed);
  }
  return { events, invalidLines };
}

/** The event, or why the line is not one. */
function parseEvent(line: string): JournalEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  if (typeof record.type !== 'string') return "no string 'type'";
  if (typeof record.atMs !== 'number' || !Number.isFinite(record.atMs)) return "no finite number 'atMs'";
  return record as JournalEvent;
}
