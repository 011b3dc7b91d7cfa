const CR = 0x0d;
const LF = 0x0a;

/**
 * Bounds what a line may cost before the line editor sees it, where the bytes are the line (plain
 * and dumb modes; a terminal's edited line is bounded by KeyLimiter): of each line (ended by CR or LF), at
 * most `maxLineBytes + 1` bytes pass, the rest is dropped up to the line's end. A line that reaches
 * the editor longer than `maxLineBytes` was therefore too long and is refused whole; memory per
 * line stays bounded however long the line or the flood.
 */
export class LineLimiter {
  private inLine = 0;

  constructor(readonly maxLineBytes: number) {}

  /** The part of `chunk` to pass on (views of it, or a copy; `chunk` itself is not changed). */
  filter(chunk: Buffer): Buffer {
    const keep = this.maxLineBytes + 1;
    const parts: Buffer[] = [];
    let from = -1; // start of the run of kept bytes, -1 while dropping
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      const ends = byte === CR || byte === LF;
      this.inLine = ends ? 0 : this.inLine + 1;
      const kept = ends || this.inLine <= keep;
      if (kept && from === -1) from = i;
      else if (!kept && from !== -1) {
        parts.push(chunk.subarray(from, i));
        from = -1;
      }
    }
    if (from !== -1) parts.push(chunk.subarray(from));
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}
