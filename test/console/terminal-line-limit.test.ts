import { describe, expect, it } from 'vitest';
import { LineEditor, type TypedLine } from '../../src/console/line-editor.ts';
import { lineYaml, simAxis } from '../support/line-harness.ts';
import { consoleRig, consoleYaml } from './support/console-harness.ts';

const LIMIT = 512;
const BELL = '\x07';
const CTRL_U = '\x15';
const CTRL_Y = '\x19';
const BACKSPACE = '\x7f';
const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const TOO_LONG = `error: line too long, ignored: lines are limited to ${LIMIT} bytes; split the command`;

/** A terminal-mode editor as a session makes it, with what it wrote and the lines it gave. */
function terminalEditor(complete: (line: string) => [string[], string] = () => [[], '']) {
  let output = '';
  const lines: TypedLine[] = [];
  const editor = new LineEditor({ mode: 'terminal', columns: 80, maxLineBytes: LIMIT, write: (text) => (output += text), complete });
  editor.onLine((line) => lines.push(line));
  return {
    editor,
    lines,
    output: () => output,
    /** Feeds `input` in one chunk (a paste), or byte by byte (typed, or a slow serial line). */
    feed(input: string, chunking: 'paste' | 'bytes' = 'paste') {
      const bytes = Buffer.from(input, 'utf8');
      if (chunking === 'paste') return editor.feed(bytes);
      for (let i = 0; i < bytes.length; i++) editor.feed(bytes.subarray(i, i + 1));
    },
  };
}

const count = (text: string, part: string): number => text.split(part).length - 1;

describe('the 512-byte line limit on an interactive terminal', () => {
  for (const chunking of ['paste', 'bytes'] as const) {
    for (const [name, eol] of [
      ['CR', '\r'],
      ['LF', '\n'],
      ['CRLF', '\r\n'],
    ] as const) {
      it(`stops a 600-byte line at 512 bytes with a bell and refuses it whole at Enter (${chunking}, ${name})`, () => {
        const t = terminalEditor();
        t.feed(`${'x'.repeat(600)}${eol}status${eol}`, chunking);
        expect(t.lines).toEqual([
          { text: 'x'.repeat(LIMIT), tooLong: true },
          { text: 'status', tooLong: false },
        ]);
        // Refused keys are never echoed: after the first bell no more of the line is shown.
        const afterBell = t.output().slice(t.output().indexOf(BELL));
        expect(afterBell).toContain(BELL);
        expect(afterBell).not.toContain('x');
      });
    }
  }

  it('takes a line of exactly 512 bytes', () => {
    const t = terminalEditor();
    t.feed(`${'x'.repeat(LIMIT)}\r`, 'bytes');
    expect(t.lines).toEqual([{ text: 'x'.repeat(LIMIT), tooLong: false }]);
    expect(t.output()).not.toContain(BELL);
  });

  it('counts UTF-8 bytes, not characters, and never keeps part of a character', () => {
    for (const chunking of ['paste', 'bytes'] as const) {
      const t = terminalEditor();
      // 171 euro signs are 513 bytes: the last does not fit, but two one-byte letters do.
      t.feed(`${'\u20ac'.repeat(171)}ab\r${'\u00e9'.repeat(300)}\r`, chunking);
      expect(t.lines).toEqual([
        { text: `${'\u20ac'.repeat(170)}ab`, tooLong: true },
        { text: '\u00e9'.repeat(256), tooLong: true },
      ]);
      for (const line of t.lines) expect(Buffer.byteLength(line.text)).toBe(LIMIT);
      expect(t.lines.join('')).not.toContain('\ufffd');
    }
  });

  it('counts the edited line, not the keys: corrections and cursor keys do not use up the limit', () => {
    const t = terminalEditor();
    t.feed(`${'x'.repeat(400)}${BACKSPACE.repeat(400)}status\r`, 'bytes');
    t.feed(`stat${(LEFT + RIGHT).repeat(100)}us\r`);
    expect(t.lines).toEqual([
      { text: 'status', tooLong: false },
      { text: 'status', tooLong: false },
    ]);
    expect(t.output()).not.toContain(BELL);
  });

  it('runs the line as retyped after Ctrl-U cleared a long one, never a truncated one', () => {
    const t = terminalEditor();
    t.feed(`${'x'.repeat(505)}${CTRL_U}jog a 50\r`, 'bytes');
    expect(t.lines).toEqual([{ text: 'jog a 50', tooLong: false }]);
  });

  it('cannot grow a line past 512 bytes with the kill ring (Ctrl-U, Ctrl-Y)', () => {
    const t = terminalEditor();
    // Unbounded before: every round triples the line, 16 rounds (74 bytes) made 430 million characters.
    t.feed(`${'x'.repeat(10)}${`${CTRL_U}${CTRL_Y}${CTRL_Y}${CTRL_Y}`.repeat(6)}\r`);
    t.feed(`${'y'.repeat(100)}${CTRL_U}${CTRL_Y.repeat(20)}\r`);
    expect(t.lines.map((l) => [l.text.length, l.tooLong])).toEqual([
      [270, true],
      [500, true],
    ]);
    expect(t.output()).toContain(BELL);
  });

  it('cannot grow a line past 512 bytes with Tab completion', () => {
    const t = terminalEditor((line) => [[`${line}${'z'.repeat(100)}`], line]);
    // Tab completes only when typed on its own: inside a paste it is a literal tab.
    for (const keys of ['x'.repeat(450), '\t', '\r']) t.feed(keys);
    expect(t.lines).toEqual([{ text: 'x'.repeat(450), tooLong: true }]);
    for (const keys of ['ho', '\t', '\r']) t.feed(keys);
    expect(t.lines.at(-1)).toEqual({ text: `ho${'z'.repeat(100)}`, tooLong: false });
  });

  it('stays bounded under a 1 MB paste without a line end: one bell per chunk, echo within the limit', () => {
    const t = terminalEditor();
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 16; i++) t.feed(chunk);
    t.feed('\r');
    expect(t.lines).toEqual([{ text: 'x'.repeat(LIMIT), tooLong: true }]);
    expect(count(t.output(), BELL)).toBe(16);
    expect(t.output().length).toBeLessThan(4 * 1024);
  });
});

describe('a console session on an interactive terminal', () => {
  const oneAxis = async () => `${lineYaml({ axes: simAxis('a') })}\n${await consoleYaml()}`;

  it('runs exactly the command on the screen after a long line was cleared with Ctrl-U', async () => {
    const rig = await consoleRig(await oneAxis(), { mode: 'terminal', requireLogin: false });
    rig.term.type(Buffer.from(`${'x'.repeat(505)}${CTRL_U}jog a 50\r`));
    await rig.runUntilOutput(/jogging|error/);
    expect(rig.term.output).toContain('a: jogging 50 mm');
    await rig.h.stop();
  });

  it('refuses a 600-byte line with a bell and the limit, runs nothing of it, and goes on working', async () => {
    for (const chunking of ['paste', 'bytes'] as const) {
      const rig = await consoleRig(await oneAxis(), { mode: 'terminal', requireLogin: false });
      // Its first 512 bytes alone would be a valid command.
      const line = Buffer.from(`hold a${' '.repeat(594)}\r\n`);
      if (chunking === 'paste') rig.term.type(line);
      else for (let i = 0; i < line.length; i++) rig.term.type(line.subarray(i, i + 1));
      await rig.runUntilOutput(TOO_LONG);
      expect(rig.term.output).toContain(BELL);
      expect(count(rig.term.output, 'error: ')).toBe(1);
      expect(rig.h.line.supervisor.snapshot()[0]!.state).toBe('Standstill');
      expect(rig.commandRequests()).toEqual([]);
      await rig.command('version', 'axisguard test on Node.js');
      await rig.h.stop();
    }
  });

  it('starts over after Ctrl-C on a line that hit the limit', async () => {
    const rig = await consoleRig(await oneAxis(), { mode: 'terminal', requireLogin: false });
    rig.term.type(Buffer.from(`${'x'.repeat(600)}\x03version\r`));
    await rig.runUntilOutput('axisguard test on Node.js');
    expect(rig.term.output).toContain(BELL);
    expect(rig.term.output).not.toContain('error: ');
    await rig.h.stop();
  });

  it('gives piped input the same message naming the limit', async () => {
    const rig = await consoleRig(await oneAxis(), { mode: 'plain', requireLogin: false });
    rig.term.type(`hold a${' '.repeat(594)}\n`);
    await rig.runUntilOutput('error');
    expect(rig.term.lines()).toEqual([TOO_LONG]);
    await rig.command('version', 'axisguard test on Node.js');
    await rig.h.stop();
  });
});
