import { describe, expect, it } from 'vitest';
import type { BusEvent, SupervisorEvent } from '../../src/events/events.ts';
import type { JobStatus, JobView } from '../../src/line/job-board.ts';
import { RunTally } from '../../src/compose/run-tally.ts';
import { describeSummary, summaryLine } from '../../src/events/describe-summary.ts';

const job = (id: string, status: JobStatus, movesDone = status === 'done' ? 2 : 0): JobView => ({
  id,
  axis: 'a',
  originalAxis: 'a',
  status,
  moves: [
    { positionMm: 10, speedMmPerS: 10 },
    { positionMm: 20, speedMmPerS: 10 },
  ],
  movesDone,
  parkedReason: status === 'parked' ? 'no fallback axis is configured' : undefined,
  transfers: [],
});

const hold = (axis: string, cause: 'trip' | 'shutdown' | 'recovery', acknowledged: boolean): SupervisorEvent => ({
  type: 'hold',
  atMs: 0,
  axis,
  cause,
  acknowledged,
  ...(acknowledged ? {} : { detail: `${axis}: no answer to hold by its deadline` }),
});
const trip = (axis: string, reason: 'port_lost' | 'following_error' | 'consecutive_failures'): SupervisorEvent => ({
  type: 'trip',
  atMs: 0,
  axis,
  reason,
  detail: 'x',
  latched: reason === 'following_error',
});
const bus = (state: BusEvent['state'], detail?: string): BusEvent => ({
  type: 'bus',
  atMs: 0,
  bus: 'rs485',
  state,
  ...(detail ? { detail } : {}),
});
const ENOENT = 'cannot open /dev/ttyUSB9 (ENOENT: no such device; is the adapter plugged in and the path right? ls /dev/serial/by-id)';

describe('the closing summary of a run', () => {
  it('counts jobs done, parked and interrupted (still queued or running), and which of those never began', () => {
    const summary = new RunTally().summary('duration reached', [
      job('j1', 'done'),
      job('j2', 'parked', 1),
      job('j3', 'running', 1),
      job('j4', 'queued', 1),
      job('j5', 'queued'),
    ]);
    expect(summary.jobs).toEqual({ total: 5, done: 1, parked: ['j2'], interrupted: ['j3', 'j4', 'j5'], notStarted: ['j5'] });
    expect(summary.jobs.done + summary.jobs.parked.length + summary.jobs.interrupted.length).toBe(summary.jobs.total);
  });

  it('counts trips by reason', () => {
    const tally = new RunTally();
    for (const e of [trip('a', 'port_lost'), trip('b', 'port_lost'), trip('c', 'following_error')]) tally.observe(e);
    expect(tally.summary('x', []).trips).toEqual({ port_lost: 2, following_error: 1 });
  });

  it('lists an axis whose last hold no drive confirmed; a hold confirmed later (recovery, shutdown) clears it', () => {
    const tally = new RunTally();
    for (const e of [hold('a', 'trip', false), hold('a', 'recovery', true), hold('a', 'shutdown', true)]) tally.observe(e);
    for (const e of [hold('b', 'trip', true), hold('b', 'shutdown', false)]) tally.observe(e);
    expect(tally.summary('x', []).holdsNotConfirmed).toEqual(['b']);
  });

  it('names a bus that never opened with its first reason, and forgets it once it opens', () => {
    const tally = new RunTally();
    tally.observe(bus('open_failed', ENOENT));
    tally.observe(bus('open_failed', 'cannot open /dev/ttyUSB9: another reason'));
    expect(tally.summary('x', []).busesNotOpened).toEqual([{ bus: 'rs485', why: ENOENT }]);
    tally.observe(bus('open'));
    expect(tally.summary('x', []).busesNotOpened).toEqual([]);
  });

  it('ignores events it does not sum up', () => {
    const tally = new RunTally();
    tally.observe({ type: 'config_load' });
    const done: SupervisorEvent = { type: 'job_done', atMs: 0, job: 'j', axis: 'a' };
    tally.observe(done);
    expect(tally.summary('x', [])).toEqual({
      reason: 'x',
      jobs: { total: 0, done: 0, parked: [], interrupted: [], notStarted: [] },
      trips: {},
      holdsNotConfirmed: [],
      busesNotOpened: [],
    });
  });

  it('tells it in a few lines and in one log line, naming the bus and why', () => {
    const tally = new RunTally();
    tally.observe(bus('open_failed', ENOENT));
    tally.observe(trip('ax1', 'port_lost'));
    tally.observe(hold('ax1', 'shutdown', false));
    const summary = tally.summary('every job is done or parked', [job('job1', 'parked'), job('job2', 'queued')]);
    expect(describeSummary(summary)).toEqual([
      'run ended: every job is done or parked',
      '  jobs: 0/2 done, 1 parked (job1), 1 interrupted (job2), 1 of them not started',
      '  trips: port_lost x1',
      '  holds not confirmed: ax1',
      `  bus rs485 never opened: ${ENOENT}`,
    ]);
    expect(summaryLine(summary)).toBe(
      `run ended: every job is done or parked; jobs: 0/2 done, 1 parked (job1), 1 interrupted (job2), 1 of them not started; trips: port_lost x1; holds not confirmed: ax1; bus rs485 never opened: ${ENOENT}`,
    );
  });
});

describe('buses down, for the live table', () => {
  it('a bus that never opened is not_opened with the newest reason; once open it is gone', () => {
    const tally = new RunTally();
    tally.observe(bus('open_failed', 'first'));
    tally.observe(bus('open_failed', ENOENT));
    expect(tally.busesDown()).toEqual([{ bus: 'rs485', state: 'not_opened', detail: ENOENT }]);
    tally.observe(bus('open'));
    expect(tally.busesDown()).toEqual([]);
  });

  it('a bus lost after it opened is lost, also while re-opening it fails', () => {
    const tally = new RunTally();
    tally.observe(bus('open'));
    tally.observe(bus('lost', 'port closed'));
    expect(tally.busesDown()).toEqual([{ bus: 'rs485', state: 'lost', detail: 'port closed' }]);
    tally.observe(bus('open_failed', ENOENT));
    expect(tally.busesDown()).toEqual([{ bus: 'rs485', state: 'lost', detail: ENOENT }]);
    // It opened once: not a bus that never opened.
    expect(tally.summary('x', []).busesNotOpened).toEqual([]);
  });
});
