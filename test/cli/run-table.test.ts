import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXIT_INCOMPLETE } from '../../src/cli/exit-codes.ts';
import { runLine } from '../../src/cli/run-command.ts';
import { renderStatus, wrapToWidth } from '../../src/events/status-table.ts';
import type { AxisSnapshot } from '../../src/supervisor/snapshot.ts';
import { wrongPortLine } from './support/wrong-port-line.ts';

/** Drops the cursor-up-and-clear sequences between frames: what is left is every frame in order. */
const ESC = String.fromCharCode(0x1b);
const frames = (text: string) => text.split(new RegExp(`${ESC}\\[\\d+F${ESC}\\[J`));

describe('the live table', () => {
  const snapshot = (id: string, more: Partial<AxisSnapshot> = {}): AxisSnapshot => ({
    id,
    family: 'modbus-rtu',
    state: 'DiscreteMotion',
    breaker: 'closed',
    positionMm: 20.55,
    followingErrorMm: 0.123,
    job: { id: `job-${id}-with-a-long-name`, movesDone: 1, moves: 3 },
    queuedJobs: 2,
    latched: undefined,
    unobservedMs: 10,
    degraded: undefined,
    ...more,
  });
  const trip = {
    type: 'trip',
    atMs: 1234,
    axis: 'ax1',
    reason: 'consecutive_failures',
    detail: 'ax1 (unit 1): readStatus: got no answer by its deadline (unit 1: no answer by the deadline)',
    latched: false,
  } as const;

  it('fits 80 columns by default: short layout, every line cut to the width, the axis not named twice in an event', () => {
    const lines = renderStatus(5000, [snapshot('ax1'), snapshot('ax2', { state: 'ErrorStop', breaker: 'open' })], [trip]);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(lines[1]).toMatch(/^axis +state +brk +pos mm +ferr mm +job$/);
    expect(lines[3]).toMatch(/^ax1 +moving +ok +20\.55 +0\.123 +job-ax1-with-a-long-name 1\/3 \+2 queued$/);
    expect(lines[4]).toMatch(/^ax2 +ERROR +OPEN /);
    expect(lines.at(-1)).toBe('  1.234s ax1: TRIP consecutive_failures: readStatus: got no answer by its deadl>');
    expect(lines.at(-1)!.length).toBe(80);
  });

  it('wraps a closing summary line at spaces, continuations indented', () => {
    expect(wrapToWidth('  jobs: 0/5 done, 0 parked, 5 interrupted (feed-1, pick-b, press-1, out-1, pick-a)', 40)).toEqual([
      '  jobs: 0/5 done, 0 parked, 5',
      '    interrupted (feed-1, pick-b,',
      '    press-1, out-1, pick-a)',
    ]);
  });

  it('takes the wide layout on a wide terminal', () => {
    const lines = renderStatus(0, [snapshot('ax1')], [], [], { width: 140 });
    expect(lines[1]).toMatch(/^axis +drive +state +breaker +position mm +ferror mm +job$/);
    expect(lines[3]).toMatch(/^ax1 +modbus-rtu +DiscreteMotion +closed +20\.55/);
  });

  it('marks a degraded axis in its breaker cell, until a trip says more', () => {
    const axes = [snapshot('ax1', { degraded: 'derate' }), snapshot('ax2'), snapshot('ax3', { degraded: 'drain', breaker: 'open' })];
    const short = renderStatus(2000, axes, []);
    expect(short.find((l) => l.startsWith('ax1'))).toMatch(/^ax1 +moving +DEGR +/);
    expect(short.find((l) => l.startsWith('ax2'))).toMatch(/^ax2 +moving +ok +/);
    expect(short.find((l) => l.startsWith('ax3'))).toMatch(/^ax3 +moving +OPEN +/);
    const wide = renderStatus(2000, axes, [], [], { width: 140 });
    expect(wide.find((l) => l.startsWith('ax1'))).toContain('closed, DEGRADED (derate)');
  });

  it('shows a value from an old sample with its age, never as if current', () => {
    const lines = renderStatus(0, [snapshot('ax1', { breaker: 'open', unobservedMs: 2140 })], []);
    expect(lines[3]).toMatch(/^ax1 +moving +OPEN +20\.55 \(2\.1s old\) +0\.123 /);
  });

  it('lists bus and breaker changes, and in the last frame each axis as its shutdown hold left it', () => {
    const lines = renderStatus(
      9000,
      [snapshot('ax1'), snapshot('ax2')],
      [
        { type: 'bus', atMs: 500, bus: 'rs485', state: 'lost', detail: '/dev/ttyUSB0 lost: end of stream' },
        { type: 'breaker', atMs: 700, axis: 'ax2', from: 'open', to: 'half_open', reason: 'cooldown_elapsed' },
      ],
      [],
      {
        shutdownHolds: new Map([
          ['ax1', 'confirmed'],
          ['ax2', 'not confirmed'],
        ]),
      },
    );
    expect(lines[3]).toMatch(/^ax1 +held +ok /);
    expect(lines[4]).toMatch(/^ax2 +HOLD NOT CONFIRMED +ok /);
    expect(lines).toContain('  0.500s bus rs485: lost (/dev/ttyUSB0 lost: end of stream)');
    expect(lines.some((l) => /^ {2}0\.700s ax2: breaker open -> half_open/.test(l))).toBe(true);
  });

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
    const out = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
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
