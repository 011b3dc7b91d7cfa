import { EventEmitter } from 'node:events';
import { emitKeypressEvents, type Interface, type Key } from 'node:readline';

/** readline's line and cursor: plain properties, typed read-only; written here only to undo a key. */
interface EditableLine {
  line: string;
  cursor: number;
}

/** Keys without a modifier that readline acts on rather than inserting their text (a tab may complete). */
const EDITING_KEYS: ReadonlySet<string> = new Set([
  'return',
  'enter',
  'backspace',
  'delete',
  'left',
  'right',
  'home',
  'end',
  'up',
  'down',
  'tab',
  'escape',
]);

/** A key that resets readline's last-key state (an unfinished yank) and does nothing else. */
const NO_OP_KEY: Key = { name: 'escape', sequence: '\x1b', ctrl: false, meta: false, shift: false };

/** The UTF-8 bytes a key surely inserts into the line; 0 when readline may do anything else with it. */
function insertedBytes(text: string | undefined, key: Key): number {
  if (key.ctrl || key.meta || typeof text !== 'string' || EDITING_KEYS.has(key.name ?? '')) return 0;
  return Buffer.byteLength(text);
}

/**
 * The terminal-mode counterpart of LineLimiter. readline edits its line in place (corrections,
 * cursor keys, history, kill ring, Tab completion), so the bytes typed say nothing about how long
 * the line is: this decodes the input into keys itself, hands them to readline one at a time, and
 * keeps readline's line within `maxLineBytes` UTF-8 bytes. A key that would insert past the limit
 * is not handed on (so never echoed, and a character is kept whole or not at all); any other key
 * that took the line past it (a yank, a completion) is undone at once. Either way the key is
 * refused: `onRefused` is called at most once per fed chunk, and `overflowed` holds until
 * `reset()` at the start of the next line. Memory per line is bounded by the limit plus one key.
 */
export class KeyLimiter {
  private readonly keys = new EventEmitter();
  private lineBytes = 0;
  private refusedInChunk = false;
  private overflowedLine = false;

  /**
   * @param rl readline in terminal mode; it must get its keys from `deliver` only.
   * @param deliver hands one key to readline, synchronously.
   */
  constructor(
    private readonly rl: Interface,
    readonly maxLineBytes: number,
    private readonly deliver: (text: string | undefined, key: Key) => void,
    private readonly onRefused: () => void,
  ) {
    // Decoded against readline itself, so that it still tells a paste from typing, as with its own input.
    emitKeypressEvents(this.keys as unknown as NodeJS.ReadableStream, rl);
    this.keys.on('keypress', (text: string | undefined, key: Key | undefined) => this.onKey(text, key ?? { sequence: text }));
  }

  /** A key of the current line was refused: what the line holds is not all that was typed. */
  get overflowed(): boolean {
    return this.overflowedLine;
  }

  /** Decodes `chunk` into keys (a character split over chunks is kept for the next) and passes them on. */
  feed(chunk: Buffer): void {
    this.refusedInChunk = false;
    this.keys.emit('data', chunk);
  }

  /** A new line starts (Enter, Ctrl-C): forgets refusals, and re-reads the line's size. */
  reset(): void {
    this.overflowedLine = false;
    this.lineBytes = Buffer.byteLength(this.rl.line);
  }

  private onKey(text: string | undefined, key: Key): void {
    const adds = insertedBytes(text, key);
    if (adds > 0 && this.lineBytes + adds > this.maxLineBytes) return this.refuse();
    const before = { line: this.rl.line, cursor: this.rl.cursor };
    this.deliver(text, key);
    const bytes = Buffer.byteLength(this.rl.line);
    if (bytes <= this.maxLineBytes) {
      this.lineBytes = bytes;
      return;
    }
    const editable = this.rl as unknown as EditableLine;
    editable.line = before.line;
    editable.cursor = before.cursor;
    this.rl.prompt(true);
    // A following Meta-Y (yank-pop) would otherwise replace text it never inserted.
    this.deliver(undefined, NO_OP_KEY);
    this.refuse();
  }

  private refuse(): void {
    this.overflowedLine = true;
    if (this.refusedInChunk) return;
    this.refusedInChunk = true;
    this.onRefused();
  }
}
