import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXIT_INCOMPLETE } from '../../src/cli/exit-codes.ts';
import { runLine } from '../../src/cli/run-command.ts';
import { renderStatus } from '../../src/events/status-table.ts';
import { wrongPortLine } from './support/wrong-port-line.ts';

/** Drops the cursor-up-and-clear sequences between frames: what is left is every frame in order. */
const ESC = String.fromCharCode(0x1b);
const frames = (text: string) => text.split(new RegExp(`${ESC}\\[\\d+F${ESC}\\[J`));

describe('the live table', () => {
  it('lists a bus whose port is not open, and why, between the axes and the recent events', () => {
    const lines = renderStatus(
      0,
      [],
      [],
      [{ bus: 'rs485', state: 'not_opened', detail: 'cannot open /dev/ttyUSB9 (ENOENT: no such device)' }],
    );
    expect(lines.slice(3)).toEqual(['', 'bus rs485 NOT OPEN: cannot open /dev/ttyUSB9 (ENOENT: no such device)', '', 'recent events:']);
    expect(renderStatus(0, [], [], [{ bus: 'b', state: 'lost', detail: 'port closed' }])).toContain('bus b LOST: port closed');
    expect(renderStatus(0, [], []).filter((l) => l.startsWith('bus '))).toEqual([]);
  });

  it('a wrong serial port: the last frame names the path and ENOENT, with the closing summary and exit code 3', async () => {
    const { config, missing } = wrongPortLine('axisguard-table-');
    let shown = '';
    const out = Object.assign(new PassThrough(), { isTTY: true });
    out.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    const err = new PassThrough();
    err.resume();
    const code = await runLine(
      { configPath: config, durationS: 10, virtual: false, json: false, checkConfig: false, journalPath: undefined },
      out as unknown as NodeJS.WriteStream,
      err,
    );
    expect(code).toBe(EXIT_INCOMPLETE);
    const last = frames(shown).at(-1)!;
    expect(last).toContain(`bus rs485 NOT OPEN: cannot open ${missing} (ENOENT`);
    expect(last).toContain('run ended: every job is done or parked');
    expect(last).toContain('jobs: 0/1 done, 1 parked (job1), 0 interrupted');
    expect(last).toContain('holds not confirmed: ax1');
    expect(last).toContain(`bus rs485 never opened: cannot open ${missing} (ENOENT`);
    expect(last).toContain('exit code 3 (work not done or a hold not confirmed)');
  });
});
