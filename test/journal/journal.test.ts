import { existsSync } from 'node:fs';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isJournalOpenError, Journal, readJournal, type JournalWriteFailure } from '../../src/journal/index.ts';
import { tempDirEach } from '../support/temp-dir.ts';
import { killWriterOnce } from './support/kill-writer.ts';

/** 2026-12-04T23:41:00.123Z, then one second later at each call. */
const wallClock = (): (() => number) => {
  let ms = Date.UTC(2026, 11, 4, 23, 41, 0, 123);
  return () => {
    ms += 1000;
    return ms - 1000;
  };
};

describe('Journal', () => {
  const dir = tempDirEach('axisguard-journal-');
  let path: string;
  beforeEach(() => {
    path = join(dir(), 'journal.jsonl');
  });

  it('reads appended events back in order, one JSON line each', async () => {
    const journal = new Journal(path, { wallClockMs: wallClock() });
    expect(journal.append({ type: 'start', atMs: 0, line: 'demo' })).toBe(true);
    expect(journal.append({ type: 'trip', atMs: 12.5, axis: 'feeder', reason: 'timeout\nafter 3 calls' })).toBe(true);
    expect(journal.append({ type: 'stop', atMs: 40 })).toBe(true);
    journal.close();
    expect(journal.written).toBe(3);
    await expect(readFile(path, 'utf8')).resolves.toMatch(/^(\{[^\n]*\}\n){3}$/);
    await expect(readJournal(path)).resolves.toEqual({
      events: [
        { type: 'start', atMs: 0, time: '2026-12-04T23:41:00.123Z', line: 'demo' },
        { type: 'trip', atMs: 12.5, time: '2026-12-04T23:41:01.123Z', axis: 'feeder', reason: 'timeout\nafter 3 calls' },
        { type: 'stop', atMs: 40, time: '2026-12-04T23:41:02.123Z' },
      ],
      invalidLines: [],
    });
  });

  it('stamps each record with the wall clock as ISO 8601 UTC with ms, right after atMs', async () => {
    const journal = new Journal(path, { wallClockMs: () => Date.UTC(2026, 11, 4, 23, 41, 0, 7) });
    journal.append({ type: 'trip', atMs: 12, axis: 'feeder' });
    journal.close();
    await expect(readFile(path, 'utf8')).resolves.toBe('{"type":"trip","atMs":12,"time":"2026-12-04T23:41:00.007Z","axis":"feeder"}\n');
  });

  it('stamps with the real clock when none is given', async () => {
    const before = Date.now();
    const journal = new Journal(path);
    journal.append({ type: 'start', atMs: 0 });
    journal.close();
    const [event] = (await readJournal(path)).events;
    expect(event?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(event?.time ?? '')).toBeGreaterThanOrEqual(before);
    expect(Date.parse(event?.time ?? '')).toBeLessThanOrEqual(Date.now());
  });

  it('keeps a time the event already has', async () => {
    const journal = new Journal(path, { wallClockMs: wallClock() });
    journal.append({ type: 'imported', atMs: 3, time: '2020-01-01T00:00:00.000Z' });
    journal.close();
    await expect(readJournal(path)).resolves.toMatchObject({ events: [{ type: 'imported', time: '2020-01-01T00:00:00.000Z' }] });
  });

  it('writes the record without a time when the wall clock gives no date', async () => {
    const journal = new Journal(path, { wallClockMs: () => Number.NaN });
    expect(journal.append({ type: 'start', atMs: 0 })).toBe(true);
    journal.close();
    await expect(readJournal(path)).resolves.toEqual({ events: [{ type: 'start', atMs: 0 }], invalidLines: [] });
  });

  it('appends to an existing journal instead of truncating it', async () => {
    const first = new Journal(path);
    first.append({ type: 'start', atMs: 0 });
    first.close();
    const second = new Journal(path);
    second.append({ type: 'start', atMs: 1 });
    second.close();
    await expect(readJournal(path)).resolves.toMatchObject({ events: [{ atMs: 0 }, { atMs: 1 }], invalidLines: [] });
  });

  it('keeps every complete line when the writing process is killed with SIGKILL; only the line being written may be cut short', async () => {
    // Kill it mid-stream, once it has written a good few lines.
    const ready = async () => ((await stat(path).catch(() => undefined))?.size ?? 0) >= 1_000_000;
    await expect(killWriterOnce('append-forever.ts', path, ready)).resolves.toBe('SIGKILL');

    const { events, invalidLines } = await readJournal(path);
    expect(events.length).toBeGreaterThan(100);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, i) => i));
    // Linux may stop a write to a file at a page boundary when SIGKILL arrives: the line being written
    // then ends short, as the last line of the file (the next Journal on it starts a fresh line).
    const text = await readFile(path, 'utf8');
    if (invalidLines.length === 0) expect(text).toMatch(/\}\n$/);
    else
      expect(invalidLines).toEqual([
        expect.objectContaining({ line: events.length + 1, text: text.slice(text.lastIndexOf('\n', text.length - 2) + 1) }),
      ]);
  });

  it('starts on a fresh line when the file ends inside a line', async () => {
    await writeFile(path, '{"type":"start","atMs":0}\n{"type":"tri');
    const journal = new Journal(path);
    journal.append({ type: 'restart', atMs: 5 });
    journal.close();
    await expect(readJournal(path)).resolves.toMatchObject({
      events: [{ type: 'start' }, { type: 'restart' }],
      invalidLines: [{ line: 2, text: '{"type":"tri' }],
    });
  });

  it.skipIf(!existsSync('/dev/full'))('counts a failed write and reports it instead of throwing', async () => {
    const journal = new Journal('/dev/full'); // every write fails with ENOSPC
    const failures: JournalWriteFailure[] = [];
    journal.onWriteError((failure) => failures.push(failure));
    expect(journal.append({ type: 'trip', atMs: 1 })).toBe(false);
    expect(journal.append({ type: 'trip', atMs: 2 })).toBe(false);
    journal.close();
    expect(journal.writeErrors).toBe(2);
    expect(journal.written).toBe(0);
    expect(failures.map((f) => [f.event.atMs, f.writeErrors, (f.error as NodeJS.ErrnoException).code, f.written])).toEqual([
      [1, 1, 'ENOSPC', false],
      [2, 2, 'ENOSPC', false],
    ]);
  });

  it('counts an event that cannot be serialised and keeps writing the next ones', async () => {
    const journal = new Journal(path, { wallClockMs: () => 0 });
    expect(journal.append({ type: 'odd', atMs: 1, count: 10n })).toBe(false);
    expect(journal.append({ type: 'ok', atMs: 2 })).toBe(true);
    journal.close();
    expect(journal.writeErrors).toBe(1);
    await expect(readJournal(path)).resolves.toEqual({
      events: [{ type: 'ok', atMs: 2, time: '1970-01-01T00:00:00.000Z' }],
      invalidLines: [],
    });
  });

  it('counts appends after close instead of throwing', async () => {
    const journal = new Journal(path);
    journal.close();
    journal.close();
    expect(journal.append({ type: 'late', atMs: 9 })).toBe(false);
    expect(journal.writeErrors).toBe(1);
    await expect(readFile(path, 'utf8')).resolves.toBe('');
  });

  it('refuses to open a journal in a missing folder', async () => {
    const error = ((): unknown => {
      try {
        return new Journal(join(dir(), 'missing', 'journal.jsonl'));
      } catch (e) {
        return e;
      }
    })();
    expect(isJournalOpenError(error)).toBe(true);
    expect((error as Error).message).toMatch(/cannot open the journal .*ENOENT/);
  });
});

describe('readJournal', () => {
  const dir = tempDirEach('axisguard-journal-');

  it('reports each invalid line with its number and skips blank lines', async () => {
    const path = join(dir(), 'journal.jsonl');
    await writeFile(path, '{"type":"start","atMs":0}\n\nnot json\n[1]\n{"atMs":1}\n{"type":"x","atMs":"soon"}\n');
    await appendFile(path, '{"type":"stop","atMs":3}\n');
    const { events, invalidLines } = await readJournal(path);
    expect(events).toEqual([
      { type: 'start', atMs: 0 },
      { type: 'stop', atMs: 3 },
    ]);
    expect(invalidLines.map(({ line, reason }) => [line, reason.replace(/:.*/, '')])).toEqual([
      [3, 'not JSON'],
      [4, 'not a JSON object'],
      [5, "no string 'type'"],
      [6, "no finite number 'atMs'"],
    ]);
  });

  it('reads lines written before records had a time, beside ones that have it', async () => {
    const path = join(dir(), 'journal.jsonl');
    await writeFile(
      path,
      '{"type":"start","atMs":0}\n{"type":"trip","atMs":5,"time":"2026-12-04T23:41:00.123Z","axis":"a"}\n{"type":"x","atMs":6,"time":7}\n',
    );
    const { events, invalidLines } = await readJournal(path);
    expect(events).toEqual([
      { type: 'start', atMs: 0 },
      { type: 'trip', atMs: 5, time: '2026-12-04T23:41:00.123Z', axis: 'a' },
    ]);
    expect(invalidLines).toEqual([{ line: 3, reason: "'time' is not a string", text: '{"type":"x","atMs":6,"time":7}' }]);
  });
});
