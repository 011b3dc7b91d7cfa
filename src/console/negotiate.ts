import type { EditorMode } from './line-editor.ts';

/**
 * The first line `axisguard console` sends when its stdin is a terminal, with the terminal's width:
 * `axisguard-console/1 terminal 120`. A socket session that gets it edits lines itself (terminal
 * mode); any other first line is a command, and the session answers plainly (for scripts, socat).
 */
export const TERMINAL_HELLO = 'axisguard-console/1 terminal';

export interface Negotiated {
  readonly mode: EditorMode;
  readonly columns: number;
  /** The input after the hello (or all of it, hello-less), to feed to the editor. */
  readonly rest: Buffer;
}

const DEFAULT_COLUMNS = 80;
const HELLO = /^axisguard-console\/1 terminal(?: (\d{1,4}))?$/;

/** Decides the mode once the first line is complete (or too long to be the hello); undefined: wait for more. */
export function negotiateMode(input: Buffer, maxLineBytes: number): Negotiated | undefined {
  const end = input.findIndex((byte) => byte === 0x0d || byte === 0x0a);
  if (end === -1) return input.length > maxLineBytes ? { mode: 'plain', columns: DEFAULT_COLUMNS, rest: input } : undefined;
  const hello = HELLO.exec(input.subarray(0, end).toString('latin1'));
  if (!hello) return { mode: 'plain', columns: DEFAULT_COLUMNS, rest: input };
  const after = input[end] === 0x0d && input[end + 1] === 0x0a ? end + 2 : end + 1;
  const columns = Math.min(Math.max(Number(hello[1] ?? DEFAULT_COLUMNS), 20), 1000);
  return { mode: 'terminal', columns, rest: input.subarray(after) };
}
