import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { packageVersion } from '../console/version.ts';
import type { RunEndRecord, RunStartRecord, RunSummary } from '../events/events.ts';

/**
 * The run's first record, before anything else it records: a new run id, this version and pid, the
 * config's absolute path and the SHA-256 of its bytes (one small synchronous read, at start, before
 * any axis is polled), the wall-clock start, and whether `--fresh` was asked for.
 */
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

/** The run's last record, after everything else it records and before its journal closes. */
export function runEndRecord(atMs: number, start: RunStartRecord, summary: RunSummary, exitCode: number): RunEndRecord {
  return { type: 'run_end', atMs, runId: start.runId, reason: summary.reason, exitCode, summary };
}
