import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/journal/index.ts';
import { asPrinted } from '../support/journal-story.ts';
import { requireTools } from '../protocols/support/external-tools.ts';
import { simOverPtyEach } from '../support/sim-over-pty.ts';
import { LINE_TIMING, modbusLineConfig, runSupervisor, type JsonEvent } from '../support/supervisor-process.ts';

const tools = requireTools('socat');
/** The comm-loss watchdog the supervisor writes into each drive of the test line. */
const WATCHDOG_MS = LINE_TIMING['shared-machine'].watchdogMs!;

interface WatchdogHold {
  readonly type: 'watchdog_hold';
  readonly unitId: number;
  readonly silentForMs: number;
  readonly timeoutMs: number;
}

/** The axes whose latest axis_state is DiscreteMotion, as unit ids (ax<n> is unit n). */
const movingUnits = (events: readonly JsonEvent[]): number[] => {
  const state = new Map<string, unknown>();
  for (const e of events) if (e.type === 'axis_state') state.set(e.axis as string, e.to);
  return [...state]
    .filter(([, to]) => to === 'DiscreteMotion')
    .map(([axis]) => Number(axis.slice(2)))
    .sort();
};

describe.skipIf(tools.skip)('fault matrix over a real pty: the supervisor killed with SIGKILL mid-run', { timeout: 60_000 }, () => {
  const startSim = simOverPtyEach(tools);

  it('leaves a journal valid line by line, and every moving drive holds by its own comm-loss watchdog, within 200 ms after it ran out', async () => {
    const { sim: s, configPath } = await startSim('1,2,3,4', (port) => modbusLineConfig(port));
    const journalPath = join(mkdtempSync(join(tmpdir(), 'axisguard-matrix-')), 'journal.jsonl');
    let moving: number[] = [];
    const run = runSupervisor(configPath, ['--journal', journalPath], (_event, r) => {
      if (moving.length > 0) return;
      const now = movingUnits(r.events);
      if (now.length < 4) return;
      moving = now;
      r.child.kill('SIGKILL');
    });
    expect(await run.exit, run.stderr()).toBe('SIGKILL');
    expect(moving).toEqual([1, 2, 3, 4]);

    for (const unit of moving) await s.waitForLine(new RegExp(`"type":"watchdog_hold","atMs":[\\d.]+,"unitId":${unit}\\b`), 3000);
    const holds = s.stdout.filter((l) => l.includes('"watchdog_hold"')).map((l) => JSON.parse(l) as WatchdogHold);
    expect(new Set(holds.map((h) => h.unitId))).toEqual(new Set(moving));
    for (const hold of holds) {
      expect(hold.timeoutMs).toBe(WATCHDOG_MS);
      expect(hold.silentForMs).toBeGreaterThanOrEqual(WATCHDOG_MS);
      expect(hold.silentForMs).toBeLessThanOrEqual(WATCHDOG_MS + 200);
    }

    const journal = await readJournal(journalPath);
    expect(journal.invalidLines).toEqual([]);
    expect(journal.events.length).toBeGreaterThan(0);
    for (const [i, e] of journal.events.entries()) expect(e.atMs).toBeGreaterThanOrEqual(i === 0 ? 0 : journal.events[i - 1]!.atMs);
    // What reached stdout and what reached the journal agree, one being a prefix of the other.
    const journalled = asPrinted(journal.events);
    const shorter = Math.min(journalled.length, run.events.length);
    expect(journalled.slice(0, shorter)).toEqual(run.events.slice(0, shorter));
    expect(await s.stop('SIGTERM')).toBe(0);
  });
});
