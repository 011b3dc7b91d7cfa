import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { EventEmitter, type Event } from '../common/event.ts';

/** One journal record. `type` names what happened, `atMs` is when on the supervisor's Clock. */
export interface JournalEvent {
  readonly type: string;
  readonly atMs: number;
  readonly [key: string]: unknown;
}

/** An event that could not be written, and the running count of such failures. */
export interface JournalWriteFailure {
  readonly event: JournalEvent;
  readonly error: Error;
  readonly writeErrors: number;
}

/** The journal file could not be opened: refused at start, like a bad config. */
export class JournalOpenError extends Error {
  readonly isJournalOpenError = true;
  override readonly name = 'JournalOpenError';

  constructor(
    readonly path: string,
    cause: Error,
  ) {
    super(`cannot open the journal '${path}': ${cause.message}`, { cause });
  }
}

export const isJournalOpenError = (e: unknown): e is JournalOpenError =>
  typeof e === 'object' && e !== null && (e as JournalOpenError).isJournalOpenError === true;

/**
 * An append-only JSON-lines file of the rare events that matter afterwards (start, stop, trips,
 * holds, transfers). Each append is one synchronous write of the whole line, so once append returns
 * the line is in the OS's page cache and survives the process being killed (SIGKILL); it is not
 * fsynced, so a power loss may still drop the last lines.
 *
 * A failed write never throws into the supervisor: it is counted, reported through onWriteError,
 * and the next line starts on a fresh line so that a half-written one cannot spoil it.
 */
export class Journal {
  private fd: number | undefined;
  private linesWritten = 0;
  private failures = 0;
  /** The file may end inside a line (left by a killed writer or a failed write). */
  private mayEndMidLine: boolean;
  private readonly writeErrorEmitter = new EventEmitter<JournalWriteFailure>();

  /** Fires after each event that could not be written. */
  readonly onWriteError: Event<JournalWriteFailure> = this.writeErrorEmitter.event;

  /** Opens (or creates) `path` for appending. Throws JournalOpenError when it cannot. */
  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'a');
      this.mayEndMidLine = !endsWithNewline(path, this.fd);
    } catch (error) {
      if (this.fd !== undefined) closeSync(this.fd);
      throw new JournalOpenError(path, asError(error));
    }
  }

  /** Lines appended by this instance. */
  get written(): number {
    return this.linesWritten;
  }

  /** Events this instance failed to write (closed, not serialisable, I/O error). */
  get writeErrors(): number {
    return this.failures;
  }

  /**
   * Writes `event` as one JSON line before returning. Returns false (and counts and reports the
   * failure) when it could not be written; never throws.
   */
  append(event: JournalEvent): boolean {
    try {
      if (this.fd === undefined) throw new Error('the journal is closed');
      const line = `${this.mayEndMidLine ? '\n' : ''}${JSON.stringify(event)}\n`;
      this.mayEndMidLine = true;
      const bytes = Buffer.from(line, 'utf8');
      let offset = 0;
      // One write for the whole line; a regular file only writes short when the disk is full.
      while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset);
      this.mayEndMidLine = false;
      this.linesWritten++;
      return true;
    } catch (error) {
      this.failures++;
      this.writeErrorEmitter.emit({ event, error: asError(error), writeErrors: this.failures });
      return false;
    }
  }

  /** Closes the file. Idempotent; later appends fail (counted, not thrown). */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }
}

/** Whether the file at `fd` is empty or ends with '\n'. */
function endsWithNewline(path: string, fd: number): boolean {
  const size = fstatSync(fd).size;
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

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
