import type { FatalSource, ServiceEvent } from '../events/events.ts';
/** The journal record of a fatal error: its message and, for an Error, its stack. */
export function fatalEvent(source: FatalSource, error: unknown, atMs: number): ServiceEvent {
  if (!(error instanceof Error)) return { type: 'fatal', atMs, source, error: String(error) };
  return { type: 'fatal', atMs, source, error: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) };
}
