/** Where a fatal error came from: thrown and not caught anywhere, a rejected promise nobody handled, or a supervisor task. */
export type FatalSource = 'uncaughtException' | 'unhandledRejection' | 'supervisor';

/**
 * What the process lifecycle adds to the journal and the JSON output, beside the supervisor's
 * events. `atMs` is time on the run's Clock, like every other event.
 */
export type ServiceEvent =
  | { readonly type: 'fatal'; readonly atMs: number; readonly source: FatalSource; readonly error: string; readonly stack?: string }
  | { readonly type: 'shutdown_timeout'; readonly atMs: number; readonly boundMs: number };

/** The journal record of a fatal error: its message and, for an Error, its stack. */
export function fatalEvent(source: FatalSource, error: unknown, atMs: number): ServiceEvent {
  if (!(error instanceof Error)) return { type: 'fatal', atMs, source, error: String(error) };
  return { type: 'fatal', atMs, source, error: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) };
}
