// One file on purpose (over ~250 lines): one class around one open file. Append, rotation, failure
// counting and close share its descriptor and byte count, and the crash-safety argument (what a kill
// leaves at each step) reads across them; the renames themselves are in rotate.ts, reading in read-journal.ts.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { EventEmitter, type Event } from '../common/event.ts';
import { rotateJournalFiles, writeWhole } from './rotate.ts';
import { brandedError, brandGuard } from '../common/branded-error.ts';

/**
 * One journal record. `type` names what happened, `atMs` is when on the supervisor's Clock
 * (monotonic ms since the run's clock started), `time` the wall clock as ISO 8601 UTC with ms.
 * Journal.append adds `time`; lines written before it existed have none.
 */
export interface JournalEvent {
  readonly type: string;
  readonly atMs: number;
  readonly time?: string;
  readonly [key: string]: unknown;
}

/**
 * A failure of the journal, and the running count of failures. Either an event that could not be
 * written (`written` false), or a rotation that failed before the event was appended (`error` is
 * a JournalRotateError; `written` says whether the event then went into the file still open).
 */
export interface JournalWriteFailure {
  readonly event: JournalEvent;
  readonly error: Error;
  readonly writeErrors: number;
  readonly written: boolean;
}

/** How big the journal file may grow and how many rotated files are kept, when the options do not say. */
export const JOURNAL_DEFAULTS = {
  /** 16 MiB. */
  maxBytes: 16 * 1024 * 1024,
  keepFiles: 5,
} as const;

/** Options of Journal; every one may be left out. */
export interface JournalOptions {
  /**
   * An append that would take the file past this many bytes first rotates it (unless the file is
   * empty, so a single larger record is still written). Default JOURNAL_DEFAULTS.maxBytes (16 MiB).
   * Keep it well above the size of the onRotate records, or every append rotates.
   */
  readonly maxBytes?: number | undefined;
  /** Rotated files kept, `path.1` (newest) to `path.<keepFiles>`; integer >= 1. Default 5. */
  readonly keepFiles?: number | undefined;
  /** Wall clock for each record's `time`, ms since the epoch. Default Date.now. */
  readonly wallClockMs?: (() => number) | undefined;
  /**
   * Records to write at the top of each new file, before the event that caused the rotation (the
   * supervisor gives its line-state checkpoint, so the newest file alone is enough to restore
   * from). Called synchronously inside append; if it throws, the file is not rotated.
   */
  readonly onRotate?: (() => readonly JournalEvent[]) | undefined;
}

/** The journal file could not be opened: refused at start, like a bad config. */
export class JournalOpenError extends brandedError('JournalOpenError', ['path'], (path: string, cause: Error) => [
  `cannot open the journal '${path}': ${cause.message}`,
  { cause },
]) {}

export const isJournalOpenError = brandGuard<JournalOpenError>('isJournalOpenError');

/** The journal file could not be rotated; appends carry on in the file still open, past maxBytes. */
export class JournalRotateError extends brandedError('JournalRotateError', ['path'], (path: string, cause: Error) => [
  `cannot rotate the journal '${path}' (${cause.message}); still appending to the current file, past its size bound`,
  { cause },
]) {}

export const isJournalRotateError = brandGuard<JournalRotateError>('isJournalRotateError');

/**
 * An append-only JSON-lines file of the rare events that matter afterwards (start, stop, trips,
 * holds, transfers). Each append is one synchronous write of the whole line, so once append returns
 * the line is in the OS's page cache and survives the process being killed (SIGKILL); it is not
 * fsynced, so a power loss may still drop the last lines.
 *
 * The file is bounded: an append that would take it past `maxBytes` first moves it aside as
 * `path.1` (older ones to `path.2` .. `path.<keepFiles>`, the oldest dropped) and starts a fresh
 * `path` with the onRotate records, then the event (see rotateJournalFiles for the order of the
 * renames and what a kill at each step leaves). No line is ever split between two files.
 *
 * A failed write or rotation never throws into the supervisor: it is counted, reported through
 * onWriteError, and the next line starts on a fresh line so that a half-written one cannot spoil
 * it. After a failed rotation the journal keeps appending to the file it has open and tries again
 * once that has grown by another sixteenth of maxBytes.
 */
export class Journal {
  private fd: number | undefined;
  /** Bytes in the open file, as far as this instance knows (its size at open plus what it wrote). */
  private size: number;
  /** The next append that would take the file past this rotates it first. */
  private rotateAtBytes: number;
  private linesWritten = 0;
  private failures = 0;
  private rotationCount = 0;
  /** The file may end inside a line (left by a killed writer or a failed write). */
  private mayEndMidLine: boolean;
  private readonly maxBytes: number;
  private readonly keepFiles: number;
  private readonly wallClockMs: () => number;
  private readonly onRotate: (() => readonly JournalEvent[]) | undefined;
  private readonly writeErrorEmitter = new EventEmitter<JournalWriteFailure>();

  /** Fires after each event that could not be written, and after each failed rotation. */
  readonly onWriteError: Event<JournalWriteFailure> = this.writeErrorEmitter.event;

  /**
   * Opens (or creates) `path` for appending. Throws JournalOpenError when it cannot, and RangeError
   * for a maxBytes that is not a positive number or a keepFiles that is not an integer >= 1.
   */
  constructor(
    readonly path: string,
    options: JournalOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? JOURNAL_DEFAULTS.maxBytes;
    this.keepFiles = options.keepFiles ?? JOURNAL_DEFAULTS.keepFiles;
    if (!(this.maxBytes > 0) || !Number.isFinite(this.maxBytes))
      throw new RangeError(`journal maxBytes must be a positive number of bytes, not ${this.maxBytes}`);
    if (!Number.isInteger(this.keepFiles) || this.keepFiles < 1)
      throw new RangeError(`journal keepFiles must be an integer >= 1, not ${this.keepFiles}`);
    this.wallClockMs = options.wallClockMs ?? Date.now;
    this.onRotate = options.onRotate;
    this.rotateAtBytes = this.maxBytes;
    try {
      this.fd = openSync(path, 'a');
      this.size = fstatSync(this.fd).size;
      this.mayEndMidLine = !endsWithNewline(path, this.size);
    } catch (error) {
      if (this.fd !== undefined) closeSync(this.fd);
      throw new JournalOpenError(path, asError(error));
    }
  }

  /** Lines appended by this instance, onRotate records included. */
  get written(): number {
    return this.linesWritten;
  }

  /** Failures of this instance: events it could not write (closed, not serialisable, I/O error) and failed rotations. */
  get writeErrors(): number {
    return this.failures;
  }

  /** Times this instance rotated the file. */
  get rotations(): number {
    return this.rotationCount;
  }

  /**
   * Writes `event`, with `time` added from the wall clock unless it has one, as one JSON line
   * before returning; rotates the file first if the line would take it past maxBytes. Returns
   * whether the event was written; a failure (of the write or of the rotation) is counted and
   * reported, never thrown.
   */
  append(event: JournalEvent): boolean {
    let line: string;
    let bytes: Buffer;
    try {
      if (this.fd === undefined) throw new Error('the journal is closed');
      line = this.lineOf(event);
      bytes = Buffer.from(this.mayEndMidLine ? `\n${line}` : line, 'utf8');
    } catch (error) {
      return this.failed(event, asError(error), false);
    }
    if (this.size > 0 && this.size + bytes.length > this.rotateAtBytes) {
      const rotated = this.rotateWith(line);
      if (rotated === true) return true;
      const written = this.write(event, bytes);
      // Not again at every append (each try costs renames and a report): after another sixteenth.
      this.rotateAtBytes = this.size + Math.max(1, Math.floor(this.maxBytes / 16));
      this.failed(event, rotated, written);
      return written;
    }
    return this.write(event, bytes);
  }

  /** Closes the file. Idempotent; later appends fail (counted, not thrown). */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }

  /** Appends one line to the open file; false (counted and reported) when it fails. */
  private write(event: JournalEvent, bytes: Buffer): boolean {
    try {
      if (this.fd === undefined) throw new Error('the journal is closed');
      this.mayEndMidLine = true;
      writeWhole(this.fd, bytes, (written) => (this.size += written));
      this.mayEndMidLine = false;
      this.linesWritten++;
      return true;
    } catch (error) {
      return this.failed(event, asError(error), false);
    }
  }

  /**
   * Moves the file aside and starts a fresh one holding the onRotate records and then `line` (the
   * event's), in one write. True when done; otherwise the error, with the old file still open and
   * unchanged.
   */
  private rotateWith(line: string): true | JournalRotateError {
    try {
      const top = [...(this.onRotate?.() ?? []).map((record) => this.lineOf(record)), line];
      const bytes = Buffer.from(top.join(''), 'utf8');
      const fd = rotateJournalFiles(this.path, this.keepFiles, bytes);
      const old = this.fd;
      this.fd = fd;
      this.size = bytes.length;
      this.mayEndMidLine = false;
      this.rotateAtBytes = this.maxBytes;
      this.linesWritten += top.length;
      this.rotationCount++;
      if (old !== undefined) closeQuietly(old);
      return true;
    } catch (error) {
      return new JournalRotateError(this.path, asError(error));
    }
  }

  /** The record as a JSON line, `time` from the wall clock placed after `atMs` unless it has its own. */
  private lineOf(event: JournalEvent): string {
    const time = event.time === undefined ? isoTime(this.wallClockMs()) : undefined;
    // A record that has its own time keeps it; a broken wall clock costs the time, not the record.
    if (time === undefined) return `${JSON.stringify(event)}\n`;
    const { type, atMs, time: _none, ...rest } = event;
    return `${JSON.stringify({ type, atMs, time, ...rest })}\n`;
  }

  private failed(event: JournalEvent, error: Error, written: boolean): false {
    this.failures++;
    this.writeErrorEmitter.emit({ event, error, writeErrors: this.failures, written });
    return false;
  }
}

/** Whether the file at `path`, `size` bytes long, is empty or ends with '\n'. */
function endsWithNewline(path: string, size: number): boolean {
  if (size === 0) return true;
  // 'a' opens write-only, so read the last byte through a second descriptor.
  const reader = openSync(path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(reader, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(reader);
  }
}

/** `ms` since the epoch as ISO 8601 UTC with ms ("2026-12-04T23:41:00.123Z"); undefined if no date. */
function isoTime(ms: number): string | undefined {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // the old file's lines are already written; a close error cannot lose them
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
