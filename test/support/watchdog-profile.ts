import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KPOWER = join(import.meta.dirname, '../../hardware/profiles/kpower-generic.yaml');

/**
 * kpower-generic as shipped, but with the drives' own comm-loss watchdog at `watchdogMs`, written to
 * `dir` (the supervisor writes that value into each drive when it enables it, so the sim serving the
 * built-in profile holds after it too). Returns the file's path, for a line's `driver.profile`.
 */
export function kpowerWithWatchdog(dir: string, watchdogMs: number): string {
  const shipped = readFileSync(KPOWER, 'utf8');
  const changed = shipped.replace(/^commLossTimeoutMs: \d+/m, `commLossTimeoutMs: ${watchdogMs}`);
  if (changed === shipped) throw new Error(`no commLossTimeoutMs line in ${KPOWER}`);
  const path = join(dir, `kpower-${watchdogMs}ms-watchdog.yaml`);
  writeFileSync(path, changed);
  return path;
}
