import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../../bin/axisguard.js');

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A JSON event line of `axisguard run --json`. */
export interface JsonEvent {
  readonly type: string;
  readonly atMs: number;
  readonly [key: string]: unknown;
}

/** A pino log line of `axisguard run` on stderr; `event` is the type of the event it logs, if any. */
export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly event?: string;
  readonly [key: string]: unknown;
}

/** The JSON objects among the complete lines of `text` (a line still being written is left out). */
const completeJsonLines = <T>(text: string): T[] =>
  text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as T);

/** The JSON events on stdout. */
export const jsonEvents = (text: string): JsonEvent[] => completeJsonLines<JsonEvent>(text);

/** The log lines on stderr. */
export const logLines = (text: string): LogLine[] => completeJsonLines<LogLine>(text);

/**
 * Runs the real CLI in a child process with extra environment variables. `onStdout` sees the
 * output so far as it arrives and may act on the child (send a signal).
 */
export function runAxisguard(
  args: string[],
  env: Record<string, string>,
  onStdout?: (soFar: string, child: ChildProcess) => void,
): { child: ChildProcess; finished: Promise<Finished> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    onStdout?.(stdout, child);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, finished };
}

/** Runs the real CLI to its end with `input` on its stdin, a pipe and not a terminal ('' closes it at once). */
export function runAxisguardWithInput(args: readonly string[], input = ''): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(input);
  });
}
