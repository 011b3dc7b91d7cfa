import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Disposable } from '../../src/common/disposable.ts';
import { isLineStateUnreadableError, openDurableLine, retakeIsolations } from '../../src/compose/durable-line.ts';
import { lineDefinitions, planRestore } from '../../src/line/restore-plan.ts';
import { lineYaml, simAxis, startLine } from '../support/line-harness.ts';
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
  {
    type: 'axis_state',
    atMs: 6,
    time: '2026-12-04T08:00:00.006Z',
    axis: 'a',
    from: 'Standstill',
    to: 'DiscreteMotion',
    reason: 'job j move 1',
    job: { id: 'j', move: 1 },
  },
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
    expect(durable.plan?.report).toMatchObject({
      latched: [{ axis: 'a', reason: 'alarm' }],
      jobsInterrupted: [{ job: 'j', axis: 'a', move: 1, lastSeen: '2026-12-04T08:00:00.006Z' }],
    });
    const checkpoint = durable.checkpoint(0);
    expect(checkpoint.state.axes).toEqual({ a: { latched: { reason: 'alarm', detail: 'drive alarm code 3' } } });
    expect(checkpoint.state.jobs.j).toMatchObject({
      status: 'parked',
      parkedReason: 'interrupted by a restart (last seen at 2026-12-04T08:00:00.006Z, move 1)',
    });
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

describe('isolation holds a restart takes over', () => {
  it('are taken again by the same holder, who releases them as before; the axis then waits for its reset', async () => {
    const yaml = lineYaml({ axes: simAxis('a') });
    const config = parseConfig(yaml, 'line.yaml');
    const defs = lineDefinitions(config.axes, config.jobs);
    const plan = planRestore(
      { axes: { a: { latched: { reason: 'isolated', detail: 'console:ana' }, isolatedBy: ['console:ana'] } }, jobs: {}, definitions: defs },
      defs,
    );
    const h = startLine(yaml, { restore: plan });
    const adopted: { axis: string; holder: string; hold: Disposable }[] = [];
    retakeIsolations(plan, h.line.supervisor, { adoptIsolation: (axis, holder, hold) => adopted.push({ axis, holder, hold }) });
    await h.runUntil(() => h.clock.now() >= 500);
    expect(adopted.map(({ axis, holder }) => [axis, holder])).toEqual([['a', 'console:ana']]);
    expect(h.line.supervisor.axisDetail('a')).toMatchObject({ breaker: { state: 'open', isolatedBy: ['console:ana'] } });
    expect(h.requestsOf('a').filter((r) => r.request.op !== 'readStatus' && r.request.op !== 'hold')).toEqual([]);
    adopted[0]!.hold.dispose();
    expect(h.eventsOf('isolation').map((e) => [e.by, e.held])).toEqual([
      ['console:ana', true],
      ['console:ana', false],
    ]);
    await h.runUntil(() => h.clock.now() >= 3000);
    // Released, but still latched: it moves only after a technician's reset.
    expect(h.line.supervisor.snapshot()[0]).toMatchObject({ state: 'ErrorStop', latched: expect.stringMatching(/^isolated/) });
    await h.stop();
  });
});
