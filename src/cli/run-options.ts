/** What `axisguard run` was asked to do (its flags). */
export interface RunOptions {
  readonly configPath: string | undefined;
  readonly durationS: number | undefined;
  readonly virtual: boolean;
  readonly json: boolean;
  readonly checkConfig: boolean;
  readonly journalPath: string | undefined;
  /** Start a new line state on purpose instead of taking over the one the journal holds. */
  readonly fresh?: boolean;
  /** `done` (default): the run ends once no job is open; `never`: only a signal or --duration ends it (a service). */
  readonly until?: 'done' | 'never';
}
