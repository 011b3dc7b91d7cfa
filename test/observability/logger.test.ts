import { describe, expect, it } from 'vitest';
import { chooseLogLevel, createLogger, eventLevel, isLogLevelError, logEvent } from '../../src/observability/index.ts';
import type { SupervisorEvent } from '../../src/events/events.ts';

/** A stream that keeps each written line as parsed JSON. */
function memoryStream() {
  const lines: Array<Record<string, unknown>> = [];
  return {
    lines,
    write: (chunk: string) =>
      void lines.push(
        ...chunk
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      ),
  };
}

const trip: SupervisorEvent = {
  type: 'trip',
  atMs: 2540,
  axis: 'pickA',
  reason: 'following_error',
  detail: 'following error 8.1 mm outside ±7.5 mm for 40 ms',
  latched: true,
};
const unconfirmedHold: SupervisorEvent = {
  type: 'hold',
  atMs: 5092,
  axis: 'outfeed',
  cause: 'trip',
  acknowledged: false,
  detail: 'no answer',
};
const stateChange: SupervisorEvent = {
  type: 'axis_state',
  atMs: 10,
  axis: 'a',
  from: 'Disabled',
  to: 'Standstill',
  reason: 'powered and re-synced',
};

describe('structured log', () => {
  it('writes one JSON object per event with level name, ISO time, event type, its fields and a readable message', () => {
    const stream = memoryStream();
    logEvent(createLogger({ level: 'info', stream, besideLiveTable: false }), trip);
    expect(stream.lines).toEqual([
      {
        level: 'warn',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        pid: process.pid,
        hostname: expect.any(String),
        event: 'trip',
        atMs: 2540,
        axis: 'pickA',
        reason: 'following_error',
        detail: trip.detail,
        latched: true,
        msg: `2.540s pickA: TRIP following_error (latched: reset needed): ${trip.detail}`,
      },
    ]);
  });

  it('logs trips, unconfirmed holds and parked jobs at warn, confirmed holds at info, state changes at debug', () => {
    expect(eventLevel(trip)).toBe('warn');
    expect(eventLevel(unconfirmedHold)).toBe('warn');
    expect(eventLevel({ ...unconfirmedHold, acknowledged: true })).toBe('info');
    expect(eventLevel({ type: 'job_parked', atMs: 1, job: 'j', axis: 'a', reason: 'no fallback axis is configured' })).toBe('warn');
    expect(eventLevel(stateChange)).toBe('debug');
    expect(eventLevel({ type: 'bus', atMs: 1, bus: 'rs485', state: 'lost', detail: 'port closed' })).toBe('warn');
    expect(eventLevel({ type: 'console_login', atMs: 1, session: 'serial', operator: 'ana', outcome: 'refused', failures: 1 })).toBe(
      'warn',
    );
    expect(eventLevel({ type: 'console_login', atMs: 1, session: 'serial', operator: 'ana', outcome: 'ok', failures: 0 })).toBe('info');
    expect(eventLevel({ type: 'fatal', atMs: 1, source: 'supervisor', error: 'boom' })).toBe('fatal');
  });

  it('drops what is below its level', () => {
    const stream = memoryStream();
    const logger = createLogger({ level: 'info', stream, besideLiveTable: false });
    logEvent(logger, stateChange);
    logEvent(logger, trip);
    expect(stream.lines.map((l) => l.event)).toEqual(['trip']);
  });

  it('beside the live table writes only error and fatal, whatever the level', () => {
    const stream = memoryStream();
    const logger = createLogger({ level: 'debug', stream, besideLiveTable: true });
    logEvent(logger, stateChange);
    logEvent(logger, trip);
    logger.error('journal write failed');
    logEvent(logger, { type: 'fatal', atMs: 1, source: 'supervisor', error: 'boom' });
    expect(stream.lines.map((l) => l.level)).toEqual(['error', 'fatal']);
    expect(createLogger({ level: 'silent', stream, besideLiveTable: true }).level).toBe('silent');
  });

  it('takes the level from AXISGUARD_LOG_LEVEL over the config, and refuses an unknown one', () => {
    expect(chooseLogLevel('info', undefined)).toBe('info');
    expect(chooseLogLevel('info', '')).toBe('info');
    expect(chooseLogLevel('info', 'DEBUG')).toBe('debug');
    let refused: unknown;
    try {
      chooseLogLevel('info', 'verbose');
    } catch (error) {
      refused = error;
    }
    expect(isLogLevelError(refused)).toBe(true);
    expect((refused as Error).message).toBe(
      "AXISGUARD_LOG_LEVEL='verbose' is not a log level; use one of fatal, error, warn, info, debug, trace, silent",
    );
  });
});
