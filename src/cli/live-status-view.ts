/** Redraws the status block in place on a terminal: cursor up over the previous block, clear, write. */
export class LiveStatusView {
  private drawnLines = 0;

  constructor(private readonly out: NodeJS.WritableStream) {}

  draw(lines: readonly string[]): void {
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F\x1b[J` : '';
    this.out.write(`${up}${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }
}
