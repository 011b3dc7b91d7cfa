import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { chmod, link, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isJournalRotateError,
  Journal,
  journalFiles,
  readJournal,
  rotatedPath,
  type JournalEvent,
  type JournalWriteFailure,
} from '../../src/journal/index.ts';
import { tempDirEach } from '../support/temp-dir.ts';
import { killWriterOnce } from './support/kill-writer.ts';

const TIME = '2026-12-04T23:41:00.123Z';
const wallClockMs = () => Date.parse(TIME);

/** An event whose JSON line, with the fixed `time`, is exactly `bytes` long (newline included). */
function sized(seq: number, bytes: number): JournalEvent {
  const bare = `${JSON.stringify({ type: 'tick', atMs: seq, time: TIME, seq, pad: '' })}\n`.length;
  if (bytes < bare) throw new Error(`a tick line is at least ${bare} bytes`);
  return { type: 'tick', atMs: seq, seq, pad: 'x'.repeat(bytes - bare) };
}

/** The file's records, one per line, or [] when it does not exist. */
async function records(path: string): Promise<JournalEvent[]> {
  if (!existsSync(path)) return [];
  const { events, invalidLines } = await readJournal(path);
  expect(invalidLines).toEqual([]);
  return [...events];
}

const seqs = (events: readonly JournalEvent[]): unknown[] => events.filter((e) => e.type === 'tick').map((e) => e.seq);

describe('journal rotation', () => {
  const dir = tempDirEach('axisguard-rotation-');
  let path: string;
  beforeEach(() => {
    path = join(dir(), 'journal.jsonl');
  });
  afterEach(async () => {
    await chmod(dir(), 0o755).catch(() => undefined); // runs before tempDirEach removes the folder
  });

  it('rotates before the append that would take the file past maxBytes, not at it', async () => {
    const journal = new Journal(path, { maxBytes: 300, wallClockMs });
    for (let seq = 0; seq < 3; seq++) journal.append(sized(seq, 100)); // exactly 300 bytes: no rotation yet
    expect(journal.rotations).toBe(0);
    expect((await stat(path)).size).toBe(300);
    expect(journal.append(sized(3, 100))).toBe(true);
    journal.close();
    expect(journal.rotations).toBe(1);
    expect(seqs(await records(rotatedPath(path, 1)))).toEqual([0, 1, 2]);
    expect(seqs(await records(path))).toEqual([3]);
  });

  it('keeps exactly keepFiles rotated files, path.1 the newest and path the newest of all', async () => {
    const journal = new Journal(path, { maxBytes: 200, keepFiles: 3, wallClockMs });
    for (let seq = 0; seq < 12; seq++) journal.append(sized(seq, 100)); // two a file: 6 files written
    journal.close();
    expect(journal.rotations).toBe(5);
    expect((await readdir(dir())).sort()).toEqual(['journal.jsonl', 'journal.jsonl.1', 'journal.jsonl.2', 'journal.jsonl.3']);
    expect(seqs(await records(path))).toEqual([10, 11]);
    expect(seqs(await records(rotatedPath(path, 1)))).toEqual([8, 9]);
    expect(seqs(await records(rotatedPath(path, 2)))).toEqual([6, 7]);
    expect(seqs(await records(rotatedPath(path, 3)))).toEqual([4, 5]);
  });

  it('writes the onRotate records at the top of each new file, stamped, before the event', async () => {
    let checkpoints = 0;
    const journal = new Journal(path, {
      maxBytes: 300,
      wallClockMs,
      onRotate: () => [{ type: 'line_state', atMs: 0, checkpoint: ++checkpoints }],
    });
    for (let seq = 0; seq < 6; seq++) journal.append(sized(seq, 100));
    journal.close();
    expect(journal.rotations).toBe(2);
    expect(journal.written).toBe(8);
    expect(seqs(await records(rotatedPath(path, 2)))).toEqual([0, 1, 2]);
    expect(await records(rotatedPath(path, 1))).toEqual([
      { type: 'line_state', atMs: 0, time: TIME, checkpoint: 1 },
      expect.objectContaining({ seq: 3 }),
      expect.objectContaining({ seq: 4 }),
    ]);
    expect(await records(path)).toEqual([{ type: 'line_state', atMs: 0, time: TIME, checkpoint: 2 }, expect.objectContaining({ seq: 5 })]);
  });

  it('writes a record larger than maxBytes whole, in a file of its own', async () => {
    const journal = new Journal(path, { maxBytes: 150, wallClockMs });
    journal.append(sized(0, 100));
    journal.append(sized(1, 400));
    journal.append(sized(2, 100));
    journal.close();
    expect(seqs(await records(rotatedPath(path, 2)))).toEqual([0]);
    expect(seqs(await records(rotatedPath(path, 1)))).toEqual([1]);
    expect(seqs(await records(path))).toEqual([2]);
  });

  it('counts the size of a journal it reopens, so a restart does not reset the bound', async () => {
    const first = new Journal(path, { maxBytes: 300, wallClockMs });
    first.append(sized(0, 100));
    first.append(sized(1, 100));
    first.close();
    const second = new Journal(path, { maxBytes: 300, wallClockMs });
    second.append(sized(2, 100));
    second.append(sized(3, 100));
    second.close();
    expect(second.rotations).toBe(1);
    expect(seqs(await records(rotatedPath(path, 1)))).toEqual([0, 1, 2]);
  });

  it('loses no line and splits none across files, whatever the sizes, bound and number of files kept', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 120, max: 1500 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 80, max: 700 }), { minLength: 1, maxLength: 40 }),
        async (maxBytes, keepFiles, withCheckpoint, sizes) => {
          const runDir = mkdtempSync(join(dir(), 'run-'));
          const runPath = join(runDir, 'j.jsonl');
          try {
            const journal = new Journal(runPath, {
              maxBytes,
              keepFiles,
              wallClockMs,
              onRotate: withCheckpoint ? () => [{ type: 'line_state', atMs: 0 }] : undefined,
            });
            for (const [seq, bytes] of sizes.entries()) expect(journal.append(sized(seq, bytes))).toBe(true);
            journal.close();
            expect(journal.writeErrors).toBe(0);

            const kept = Math.min(journal.rotations, keepFiles);
            const names = [...Array.from({ length: kept }, (_, i) => rotatedPath(runPath, kept - i)), runPath]; // oldest first
            await expect(journalFiles(runPath)).resolves.toEqual(names);
            expect((await readdir(runDir)).sort()).toEqual(names.map((name) => name.slice(runDir.length + 1)).sort());
            const files = await Promise.all(
              names.map(async (name) => ({ text: await readFile(name, 'utf8'), events: await records(name) })),
            );

            // Every event whole and once, in order, the newest last; the oldest only dropped with a whole file.
            const all = files.flatMap((file) => seqs(file.events));
            const first = sizes.length - all.length;
            expect(all).toEqual(sizes.map((_, seq) => seq).slice(first));
            if (journal.rotations <= keepFiles) expect(first).toBe(0);
            for (const [i, file] of files.entries()) {
              const top = withCheckpoint && (i > 0 || journal.rotations > keepFiles) ? 1 : 0;
              expect(file.events.slice(0, top).map((e) => e.type)).toEqual(top ? ['line_state'] : []);
              const events = file.events.slice(top);
              expect(events.every((e) => e.type === 'tick')).toBe(true);
              // Within the bound, or one record alone that is larger than it.
              if (Buffer.byteLength(file.text) > maxBytes) expect(events).toHaveLength(1);
              // Rotated only when the next event would not have fitted.
              const next = files[i + 1];
              if (next) {
                const nextEventBytes = sizes[Number(next.events[withCheckpoint ? 1 : 0]?.seq)] ?? 0;
                expect(Buffer.byteLength(file.text) + nextEventBytes).toBeGreaterThan(maxBytes);
              }
            }
          } finally {
            rmSync(runDir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('fills a gap in the numbers that a rotation killed while shifting left, instead of dropping a file', async () => {
    // Killed after moving path.2 to path.3, before moving path.1 to path.2.
    await writeFile(rotatedPath(path, 3), `${JSON.stringify({ type: 'tick', atMs: 0, seq: 0 })}\n`);
    await writeFile(rotatedPath(path, 1), `${JSON.stringify({ type: 'tick', atMs: 1, seq: 1 })}\n`);
    await writeFile(path, `${JSON.stringify({ type: 'tick', atMs: 2, seq: 2 })}\n`);
    const journal = new Journal(path, { maxBytes: 120, keepFiles: 3, wallClockMs });
    journal.append(sized(3, 100));
    journal.close();
    expect((await readdir(dir())).sort()).toEqual(['journal.jsonl', 'journal.jsonl.1', 'journal.jsonl.2', 'journal.jsonl.3']);
    const files = await journalFiles(path);
    expect(await Promise.all(files.map(async (file) => seqs(await records(file))))).toEqual([[0], [1], [2], [3]]);
  });

  it('recovers the names a rotation killed between its link and its rename left behind', async () => {
    // As the kill leaves them: path.2 the older file, path and path.1 one file, path.next written.
    await writeFile(rotatedPath(path, 2), `${JSON.stringify({ type: 'tick', atMs: 0, seq: 0 })}\n`);
    await writeFile(path, `${JSON.stringify({ type: 'tick', atMs: 1, seq: 1 })}\n`);
    await link(path, rotatedPath(path, 1));
    await writeFile(`${path}.next`, '{"type":"line_state","atMs":1}\n{"type":"tick","atMs":2,"seq":2}\n');
    await expect(journalFiles(path)).resolves.toEqual([rotatedPath(path, 2), path]);
    const journal = new Journal(path, { maxBytes: 120, keepFiles: 3, wallClockMs, onRotate: () => [{ type: 'line_state', atMs: 2 }] });
    journal.append(sized(2, 100));
    journal.close();
    expect(journal.rotations).toBe(1);
    expect((await readdir(dir())).sort()).toEqual(['journal.jsonl', 'journal.jsonl.1', 'journal.jsonl.2']);
    expect(seqs(await records(rotatedPath(path, 2)))).toEqual([0]);
    expect(seqs(await records(rotatedPath(path, 1)))).toEqual([1]);
    expect(await records(path)).toMatchObject([{ type: 'line_state', atMs: 2 }, { seq: 2 }]);
  });

  it('leaves a whole journal, its newest file starting with the checkpoint, when killed with SIGKILL while rotating', async () => {
    // The fixture keeps 3 files of 64 KiB: once path.3 exists it has rotated a good few times.
    const ready = () => existsSync(rotatedPath(path, 3));
    await expect(killWriterOnce('rotate-forever.ts', path, ready, Math.random() * 50)).resolves.toBe('SIGKILL');

    // `path` is there whatever the instant of the kill (it is missing only on a file system without hard links).
    const names = await journalFiles(path);
    expect(names.at(-1)).toBe(path);
    expect(names.length).toBeGreaterThanOrEqual(3);
    const files = await Promise.all(names.map(records));
    const all = files.flatMap(seqs);
    expect(all.length).toBeGreaterThan(100);
    expect(all).toEqual(all.map((_, i) => Number(all[0]) + i));
    const newest = files.at(-1) ?? [];
    expect(newest[0]).toMatchObject({ type: 'line_state', nextSeq: newest[1]?.seq ?? expect.any(Number) });
  });

  it('refuses a maxBytes or keepFiles it cannot work with, before it opens anything', () => {
    expect(() => new Journal(path, { maxBytes: 0 })).toThrow(RangeError);
    expect(() => new Journal(path, { maxBytes: Number.POSITIVE_INFINITY })).toThrow(/maxBytes must be a positive number/);
    expect(() => new Journal(path, { keepFiles: 0 })).toThrow(/keepFiles must be an integer >= 1/);
    expect(() => new Journal(path, { keepFiles: 1.5 })).toThrow(RangeError);
    expect(existsSync(path)).toBe(false);
  });

  describe('when rotation fails', () => {
    const failures: JournalWriteFailure[] = [];
    beforeEach(() => {
      failures.length = 0;
    });

    it('counts and reports a rotation that cannot create its new file, keeps appending, and tries again later', async () => {
      await mkdir(`${path}.next`); // the fresh file cannot be opened
      const journal = new Journal(path, { maxBytes: 1600, wallClockMs });
      journal.onWriteError((failure) => failures.push(failure));
      for (let seq = 0; seq < 16; seq++) journal.append(sized(seq, 100));
      expect(journal.append(sized(16, 100))).toBe(true);
      expect(journal.writeErrors).toBe(1);
      expect(journal.rotations).toBe(0);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ event: { seq: 16 }, writeErrors: 1, written: true });
      expect(isJournalRotateError(failures[0]?.error)).toBe(true);
      expect(failures[0]?.error.message).toMatch(
        /^cannot rotate the journal '.*journal\.jsonl' \(.*EISDIR.*\); still appending to the current file/,
      );

      // Not again at every append: after another sixteenth of maxBytes (100 bytes here).
      expect(journal.append(sized(17, 100))).toBe(true);
      expect(journal.writeErrors).toBe(1);
      await rm(`${path}.next`, { recursive: true });
      expect(journal.append(sized(18, 100))).toBe(true);
      journal.close();
      expect(journal.writeErrors).toBe(1);
      expect(journal.rotations).toBe(1);
      expect(seqs(await records(rotatedPath(path, 1)))).toEqual(Array.from({ length: 18 }, (_, i) => i));
      expect(seqs(await records(path))).toEqual([18]);
    });

    it('counts and reports a rotation blocked by a directory named path.1, and leaves the journal as it was', async () => {
      await mkdir(rotatedPath(path, 1));
      await writeFile(join(rotatedPath(path, 1), 'keep'), 'x');
      const journal = new Journal(path, { maxBytes: 200, keepFiles: 1, wallClockMs });
      journal.onWriteError((failure) => failures.push(failure));
      for (let seq = 0; seq < 3; seq++) expect(journal.append(sized(seq, 100))).toBe(true);
      journal.close();
      expect(journal.writeErrors).toBe(1);
      expect(failures.map((f) => [isJournalRotateError(f.error), f.written, f.event.seq])).toEqual([[true, true, 2]]);
      expect(seqs(await records(path))).toEqual([0, 1, 2]);
      expect((await readdir(dir())).sort()).toEqual(['journal.jsonl', 'journal.jsonl.1']);
    });

    it('does not rotate when onRotate throws: without its checkpoint a new file could not be restored from', async () => {
      const journal = new Journal(path, {
        maxBytes: 200,
        wallClockMs,
        onRotate: () => {
          throw new Error('no checkpoint');
        },
      });
      journal.onWriteError((failure) => failures.push(failure));
      for (let seq = 0; seq < 3; seq++) expect(journal.append(sized(seq, 100))).toBe(true);
      journal.close();
      expect(journal.rotations).toBe(0);
      expect(failures.map((f) => f.error.message)).toEqual([expect.stringMatching(/cannot rotate .*\(no checkpoint\)/)]);
      expect(seqs(await records(path))).toEqual([0, 1, 2]);
      expect(existsSync(rotatedPath(path, 1))).toBe(false);
    });
  });
});
