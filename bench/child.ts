import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs `node [nodeFlags] --import tsx bench/children/<script> [args]` in a fresh process (so no JIT
 * or heap state leaks between peers) and resolves with the JSON object on the last line of its
 * stdout. Rejects with the end of its stderr when it exits non-zero.
 */
export function runChild<T>(script: string, args: ReadonlyArray<string | number>, nodeFlags: readonly string[] = []): Promise<T> {
  const path = fileURLToPath(new URL(`./children/${script}`, import.meta.url));
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path, ...args.map(String)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise<T>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const command = `bench/children/${script} ${args.join(' ')}`;
      if (code !== 0) return reject(new Error(`${command} exited with ${code}:\n${stderr.slice(-2000)}`));
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        // The child's one output line is its contract with the figure that runs it.
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${command} printed no JSON line:\n${stdout.slice(-2000)}`));
      }
    });
  });
}
