import type { Glossary } from './glossary.ts';

/** One line of the printed table. */
export interface Row {
  readonly item: string;
  readonly value: string;
  readonly note?: string;
}

/** What a figure measured: the JSON for results.json and the rows for the table. */
export interface Measured {
  readonly result: object;
  readonly rows: readonly Row[];
}

/** One figure: a key of results.json, measured by one or more fresh child processes. */
export interface Figure {
  readonly key: string;
  readonly title: string;
  /**
   * True when the figure is a wall-clock timing: it runs alone. Figures in virtual time (counts,
   * virtual latencies, memory) do not depend on CPU share and may run side by side.
   */
  readonly timed: boolean;
  /** How the figure was made, for BENCHMARKS.md. */
  readonly method: string;
  /** What its keys in results.json mean (paths relative to `key`), for BENCHMARKS.md; generic names come from GENERIC. */
  readonly glossary?: Glossary;
  /** `progress` reports steps on stderr. */
  measure(progress: (step: string) => void): Promise<Measured>;
}
