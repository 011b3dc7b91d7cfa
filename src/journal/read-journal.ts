import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { JournalEvent } from './journal.ts';
import { rotatedPath } from './rotate.ts';

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
 * failed write); any other line must be a JSON object with a string `type` and a finite `atMs`,
 * and a string `time` if it has one (lines written before Journal added `time` have none). Reads
 * one file: after a rotation `path` starts with the records the supervisor put at its top, and the
 * older lines are in `path.1` and on. Rejects only when the file cannot be read.
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
  if (record.time !== undefined && typeof record.time !== 'string') return "'time' is not a string";
  return record as JournalEvent;
}

/**
 * The files of the journal at `path`, oldest first: the rotated `path.<n>` that exist, highest
 * number first, then `path` if it exists. Skips `path.1` when it is a second name of `path` (a
 * rotation killed between its link and its rename), so reading them in order gives each line once.
 * Rejects only when the folder cannot be read.
 */
export async function journalFiles(path: string): Promise<string[]> {
  const base = basename(path);
  const numbers = (await readdir(dirname(path)))
    .filter((name) => name.startsWith(`${base}.`) && /^[1-9][0-9]*$/.test(name.slice(base.length + 1)))
    .map((name) => Number(name.slice(base.length + 1)))
    .sort((a, b) => b - a);
  const current = await stat(path).catch(() => undefined);
  const newest = numbers.at(-1) === 1 ? await stat(rotatedPath(path, 1)).catch(() => undefined) : undefined;
  const stale = current !== undefined && newest !== undefined && current.ino === newest.ino && current.dev === newest.dev;
  return [...numbers.filter((n) => !(stale && n === 1)).map((n) => join(dirname(path), `${base}.${n}`)), ...(current ? [path] : [])];
}
