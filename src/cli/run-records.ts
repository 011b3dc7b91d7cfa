import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { packageVersion } from '../console/version.ts';
import type { RunSummary } from './run-summary.ts';

/** The first record of a run: which run, of what, from which config, started when. */
export type RunStartRecord = {
  readonly type: 'run_start';
  readonly atMs: number;
  readonly runId: string;
  readonly version: string;
  readonly pid: number;
  readonly configPath: string;
  /** SHA-256 of the config file's bytes as read at start. */
  readonly configSha256: string;
  readonly startedAt: string;
  /** A new line state on purpose (--fresh): nothing was taken over from the journal. */
  readonly fresh: boolean;
};

/** The last record of a run: how it ended and its exit code, with the closing summary. */
export type RunEndRecord = {
  readonly type: 'run_end';
  readonly atMs: number;
  readonly runId: string;
  readonly reason: string;
  readonly exitCode: number;
  readonly summary: RunSummary;
};

export function runStartRecord(atMs: number, configPath: string, fresh: boolean): RunStartRecord {
  const path = resolve(configPath);
  return {
    type: 'run_start',
    atMs,
    runId: randomUUID(),
    version: packageVersion(),
    pid: process.pid,
    configPath: path,
    configSha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
    startedAt: new Date().toISOString(),
    fresh,
  };
}
