import type { JournalEvent } from '../../src/journal/index.ts';

/**
 * A journal's records as the run printed them (--json) and emitted them: the journal adds each
 * record's wall-clock `time` and the line-state checkpoints (`line_state`), which are its alone.
 */
export function asPrinted(records: readonly JournalEvent[]): JournalEvent[] {
  return records.filter((e) => e.type !== 'line_state').map(({ time: _time, ...e }) => e as JournalEvent);
}
