import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/events/events.ts';
import { EXIT_BAD_CONFIG, EXIT_ERROR, EXIT_INCOMPLETE, EXIT_OK } from '../../src/cli/exit-codes.ts';
import { describeExitCode, runExitCode } from '../../src/cli/run-exit-code.ts';
import type { FailedStart } from '../../src/compose/run-ending.ts';

const summary = (jobs: Partial<RunSummary['jobs']>, holdsNotConfirmed: string[] = []): RunSummary => ({
  reason: 'x',
  jobs: { total: 0, done: 0, parked: [], interrupted: [], notStarted: [], ...jobs },
  trips: {},
  holdsNotConfirmed,
  busesNotOpened: [],
});
const ended = (s: RunSummary, more: { crashed?: boolean; failedStart?: FailedStart } = {}) =>
  runExitCode({ summary: s, crashed: more.crashed ?? false, failedStart: more.failedStart });

describe('the exit code of a run', () => {
  it('is 0 only when every job is done and every hold confirmed', () => {
    expect(ended(summary({ total: 2, done: 2 }))).toBe(EXIT_OK);
  });

  it('is 0 for a run without jobs (ended by --duration or a signal) whose holds were confirmed', () => {
    expect(ended(summary({}))).toBe(EXIT_OK);
  });

  it('is 3 for a parked job, an interrupted one, or a hold no drive confirmed', () => {
    expect(ended(summary({ total: 2, done: 1, parked: ['j2'] }))).toBe(EXIT_INCOMPLETE);
    expect(ended(summary({ total: 2, done: 1, interrupted: ['j2'], notStarted: ['j2'] }))).toBe(EXIT_INCOMPLETE);
    expect(ended(summary({ total: 2, done: 2 }, ['a']))).toBe(EXIT_INCOMPLETE);
    expect(ended(summary({}, ['a']))).toBe(EXIT_INCOMPLETE);
  });

  it('is 1 for a start that failed, 2 for one refused (the config needs what is not there), and 1 for a crash, whatever the jobs', () => {
    expect(ended(summary({ total: 1, interrupted: ['j'] }), { failedStart: 'failed' })).toBe(EXIT_ERROR);
    expect(ended(summary({ total: 1, interrupted: ['j'] }), { failedStart: 'refused' })).toBe(EXIT_BAD_CONFIG);
    expect(ended(summary({ total: 1, done: 1 }), { crashed: true })).toBe(EXIT_ERROR);
  });

  it('says what each code means', () => {
    expect(describeExitCode(EXIT_INCOMPLETE)).toBe('exit code 3 (work not done or a hold not confirmed)');
    expect(describeExitCode(EXIT_OK)).toMatch(/^exit code 0 /);
  });
});
