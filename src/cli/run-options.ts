import type { UntilMode } from '../compose/run-end.ts';

/** What `axisguard run` was asked to do (its flags). */
export interface RunOptions {
  readonly configPath: string | undefined;
  readonly durationS: number | undefined;
  readonly virtual: boolean;
  readonly json: boolean;
  readonly checkConfig: boolean;
  readonly journalPath: string | undefined;
  /** `--fresh`: start a new line state on purpose instead of restoring it from the journal; recorded in run_start. */
  readonly fresh?: boolean;
  /** `--until`: `done` (default) ends the run once no job is open; `never` (a service) only a signal or --duration ends it. */
  readonly until?: UntilMode;
}
