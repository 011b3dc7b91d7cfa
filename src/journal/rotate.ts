import { closeSync, constants, linkSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';

/** Where rotated file `k` (1 = newest) of the journal at `path` lives. */
export const rotatedPath = (path: string, k: number): string => `${path}.${k}`;

/** The fresh file is written under this name first, then renamed over `path`. */
const nextPath = (path: string): string => `${path}.next`;

/** link() errors that mean the file system has no hard links (vfat, some FUSE mounts), not that this link failed. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Moves the journal at `path` aside as `path.1` (the older ones one number up, the oldest dropped
 * when all `keepFiles` are there) and puts a fresh file that starts with `top` in its place. Returns
 * the fresh file's descriptor, open for appending; the caller then closes its descriptor of the old
 * file (now `path.1`). Synchronous and bounded: at most keepFiles + 2 stats, keepFiles + 3 renames,
 * links or deletes, one open and one write of `top`.
 *
 * Every step is a single atomic file-system operation, ordered so that a process killed at any
 * instant leaves `path` naming a whole journal, either the old one or the fresh one with `top`
 * first, and loses no rotated file but the oldest:
 * 1. write `top` to `path.next` (created or truncated). Killed here: `path.next` is left over and
 *    overwritten by the next rotation; nothing else has changed.
 * 2. free the name `path.1`: if `path.1` .. `path.<keepFiles>` all exist, delete the last; then
 *    rename `path.(k)` to `path.(k+1)` from the first missing number down to 1. Killed here: a gap
 *    in the numbers, which the next rotation fills instead of shifting past it.
 * 3. hard-link `path` as `path.1`. Killed here: `path` and `path.1` are one file; the next rotation
 *    removes the extra name first (and journalFiles skips it).
 * 4. rename `path.next` over `path`.
 * On a file system without hard links, step 3 renames `path` to `path.1` instead; killed between
 * that and step 4, `path` is missing and `path.1` is the newest file.
 *
 * Throws when a step fails, having undone what it could: `path` is then still the old file (the
 * caller's descriptor still appends to it), and only what step 2 did may remain.
 */
export function rotateJournalFiles(path: string, keepFiles: number, top: Buffer): number {
  const next = nextPath(path);
  const newest = rotatedPath(path, 1);
  const fd = openSync(next, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND, 0o666);
  try {
    writeWhole(fd, top);
    dropStaleLink(path, newest);
    freeNewest(path, keepFiles);
    moveAside(path, newest, next);
    return fd;
  } catch (error) {
    tryTo(() => closeSync(fd));
    tryTo(() => unlinkSync(next));
    throw error;
  }
}

/** Steps 3 and 4: `path` becomes `newest` and `next` becomes `path`, undoing step 3 if step 4 fails. */
function moveAside(path: string, newest: string, next: string): void {
  let linked = true;
  try {
    linkSync(path, newest);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      linked = false; // `path` was moved or removed under us: nothing to keep
    else if (code !== undefined && NO_HARD_LINKS.has(code)) {
      renameSync(path, newest);
      try {
        renameSync(next, path);
      } catch (renameError) {
        tryTo(() => renameSync(newest, path));
        throw renameError;
      }
      return;
    } else throw error;
  }
  try {
    renameSync(next, path);
  } catch (error) {
    if (linked) tryTo(() => unlinkSync(newest));
    throw error;
  }
}

/** `path.1` left by a rotation killed between steps 3 and 4 is a second name of `path`: remove that name. */
function dropStaleLink(path: string, newest: string): void {
  const rotated = statSync(newest, { throwIfNoEntry: false });
  if (rotated === undefined) return;
  const current = statSync(path, { throwIfNoEntry: false });
  if (current !== undefined && rotated.ino === current.ino && rotated.dev === current.dev) unlinkSync(newest);
}

/** Step 2: moves the rotated files one number up as far as the first missing one, making room at `path.1`. */
function freeNewest(path: string, keepFiles: number): void {
  let missing = 1;
  while (missing <= keepFiles && statSync(rotatedPath(path, missing), { throwIfNoEntry: false }) !== undefined) missing++;
  if (missing > keepFiles) {
    missing = keepFiles;
    unlinkSync(rotatedPath(path, keepFiles)); // all there: the oldest goes
  }
  for (let k = missing - 1; k >= 1; k--) renameSync(rotatedPath(path, k), rotatedPath(path, k + 1));
}

/** Writes all of `bytes` at the descriptor's position; a regular file only writes short when the disk is full. */
export function writeWhole(fd: number, bytes: Buffer, onProgress?: (written: number) => void): void {
  let offset = 0;
  while (offset < bytes.length) {
    const written = writeSync(fd, bytes, offset);
    offset += written;
    onProgress?.(written);
  }
}

function tryTo(action: () => void): void {
  try {
    action();
  } catch {
    // best effort: the caller is already reporting the failure that led here
  }
}
