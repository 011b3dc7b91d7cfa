import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLineStateUnreadableError, openDurableLine } from '../../src/compose/durable-line.ts';
import { parseConfig } from '../../src/config/index.ts';

const CONFIG = parseConfig(
  [
    'axes:',
    '  - { id: a, driver: { type: simulated }, limits: { minMm: 0, maxMm: 100, maxSpeedMmPerS: 50, maxAccelMmPerS2: 500 } }',
    'jobs:',
    '  - { id: j, axis: a, moves: [{ positionMm: 10, speedMmPerS: 10 }, { positionMm: 20, speedMmPerS: 10 }] }',
  ].join('\n'),
  'line.yaml',
);
const LEFT_BEHIND = [
  { type: 'trip', atMs: 5, axis: 'a', reason: 'alarm', detail: 'drive alarm code 3', latched: true },
  { type: 'axis_state', atMs: 6, time: '2026-12-04T08:00:00.006Z', axis: 'a', from: 'Standstill', to: 'DiscreteMotion', reason: 'job j move 1', job: { id: 'j', move: 1 } },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

const journalWith = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'durable-line-')), 'journal.jsonl');
  writeFileSync(path, text);
  return path;
};

describe('the durable line state at start', () => {
  it('takes over what the journal left, and its first checkpoint holds it under the current definitions', async () => {
    // A half line at the end, as a kill mid-write leaves it, is skipped.
    const durable = await openDurableLine(journalWith(`${LEFT_BEHIND}\n{"type":"job_d`), CONFIG, false);
    expect(durable.plan?.report).toMatchObject({ latched: [{ axis: 'a', reason: 'alarm' }], jobsInterrupted: [{ job: 'j', axis: 'a', move: 1, lastSeen: '2026-12-04T08:00:00.006Z' }] });
    const checkpoint = durable.checkpoint(0);
    expect(checkpoint.state.axes).toEqual({ a: { latched: { reason: 'alarm', detail: 'drive alarm code 3' } } });
    expect(checkpoint.state.jobs.j).toMatchObject({ status: 'parked', parkedReason: 'interrupted by a restart (last seen at 2026-12-04T08:00:00.006Z, move 1)' });
    expect(Object.keys(checkpoint.state.definitions.jobs)).toEqual(['j']);
  });

  it('--fresh takes over nothing; no journal yet is a first run', async () => {
    expect((await openDurableLine(journalWith(LEFT_BEHIND), CONFIG, true)).plan).toBeUndefined();
    expect((await openDurableLine(join(tmpdir(), 'no-such-dir-axisguard', 'journal.jsonl'), CONFIG, false)).plan).toBeUndefined();
    expect((await openDurableLine(undefined, CONFIG, false)).plan).toBeUndefined();
  });

  it('a journal that cannot be read (here a directory) refuses the start, naming the file and --fresh', async () => {
    const refusal = await openDurableLine(mkdtempSync(join(tmpdir(), 'durable-dir-')), CONFIG, false).catch((e: unknown) => e);
    expect(isLineStateUnreadableError(refusal)).toBe(true);
    expect((refusal as Error).message).toMatch(/EISDIR.*--fresh/);
  });
});
