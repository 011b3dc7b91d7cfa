import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';

/** Where and when the figures were measured. */
export interface Meta {
  readonly node: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly date: string;
  /** HEAD when git is there; `dirty` when tracked files differ from it. */
  readonly gitCommit: string | undefined;
  readonly gitDirty: boolean | undefined;
  /** 1-minute load average when the run started: a busy machine makes timings worse. */
  readonly loadAverage1m: number;
  readonly peers: { readonly opossum: string; readonly cockatiel: string };
}

const git = (...args: string[]): string | undefined => {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
};

const installedVersion = (name: string): string => {
  const manifest = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
};

export function collectMeta(): Meta {
  const status = git('status', '--porcelain', '--untracked-files=no');
  return {
    node: process.version,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    date: new Date().toISOString(),
    gitCommit: git('rev-parse', 'HEAD'),
    gitDirty: status === undefined ? undefined : status.length > 0,
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
    peers: { opossum: installedVersion('opossum'), cockatiel: installedVersion('cockatiel') },
  };
}
