import { fileURLToPath } from 'node:url';
import { isConfigError } from '../config/index.ts';
import { isDriveProfileError } from '../../protocols/profile-schema.ts';
import { loadLine, type LoadedLine } from '../compose/load-line.ts';

/** The line `axisguard run` drives when no config is given. */
export const DEMO_CONFIG_PATH = fileURLToPath(new URL('../../examples/demo-line.yaml', import.meta.url));

export interface RunOptions {
  readonly configPath: string | undefined;
  readonly durationS: number | undefined;
  readonly virtual: boolean;
  readonly json: boolean;
  readonly checkConfig: boolean;
  readonly journalPath: string | undefined;
  /** Start a new line state on purpose instead of taking over the one the journal holds. */
  readonly fresh?: boolean;
}

/** Exit codes: 0 clean end, 1 any other error, 2 bad config. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_BAD_CONFIG = 2;

/**
 * `axisguard run`: loads the config, drives the line until every job is done or parked, the
 * duration ends, or SIGINT/SIGTERM arrives; then holds every axis, closes the journal and returns
 * the exit code.
 */
export async function runLine(options: RunOptions, out: NodeJS.WriteStream, err: NodeJS.WritableStream): Promise<number> {
  const source = options.configPath ?? DEMO_CONFIG_PATH;
  let loaded: LoadedLine;
  try {
    loaded = await loadLine(source);
  } catch (error) {
    if (!isConfigError(error) && !isDriveProfileError(error)) throw error;
    err.write(`${error.format()}\n`);
    return EXIT_BAD_CONFIG;
  }
  const { config } = loaded;
  if (options.checkConfig) {
    out.write(`config OK: ${source}: line '${config.line}', ${config.axes.length} axes, ${config.jobs.length} jobs\n`);
    return EXIT_OK;
  }
  // Driving the line needs the supervisor, drivers, console, metrics and logs: checking a config
  // needs none of them, so they load only now (prom-client, pino and the rest).
  const { driveLine } = await import('./drive-line.ts');
  return driveLine(loaded, source, options, out, err);
}
