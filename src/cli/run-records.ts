import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { packageVersion } from '../console/version.ts';
import type { RunStartRecord } from '../events/events.ts';

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
