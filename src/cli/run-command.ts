import { fileURLToPath } from 'node:url';
import { isLineLoadRefusal, loadLine, type LoadedLine } from '../compose/load-line.ts';
import { EXIT_BAD_CONFIG, EXIT_OK } from './exit-codes.ts';
import type { RunOptions } from './run-options.ts';
import { describeEffectiveSettings } from '../config/effective-settings.ts';
import { LOG_LEVEL_ENV, chooseLogLevel, isLogLevelError } from '../observability/log-level.ts';

/** The line `axisguard run` drives when no config is given. */
export const DEMO_CONFIG_PATH = fileURLToPath(new URL('../../examples/demo-line.yaml', import.meta.url));

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
    if (!isLineLoadRefusal(error)) throw error;
    err.write(`${error.format()}\n`);
    return EXIT_BAD_CONFIG;
  }
  const { config } = loaded;
  if (options.checkConfig) {
    // The level the run would log at: the environment's override is part of what a start checks.
    try {
      chooseLogLevel(config.log.level, process.env[LOG_LEVEL_ENV]);
    } catch (error) {
      if (!isLogLevelError(error)) throw error;
      err.write(`${error.message}\n`);
      return EXIT_BAD_CONFIG;
    }
    out.write(`config OK: ${source}: line '${config.line}', ${config.axes.length} axes, ${config.jobs.length} jobs\n`);
    out.write(`effective settings:\n${config.axes.map((axis) => `  ${describeEffectiveSettings(axis)}\n`).join('')}`);
    const unwatched = config.axes
      .filter((axis) => axis.driver.type === 'lx-servo' || axis.driver.type === 'sts-servo')
      .map((axis) => axis.id);
    // Said at every check: nothing on these servos holds them if the supervisor dies.
    if (unwatched.length > 0)
      out.write(
        `note: ${unwatched.join(', ')}: bus servos have no comm-loss watchdog; if axisguard stops, they keep their last target. ` +
          'Keep their moves short, put their supply behind the e-stop chain, and consider onLatchedTrip: torque_off where nothing falls when a servo goes limp (README "Bus servos")\n',
      );
    const { mqtt } = config;
    // A broker is a network entry point: say what the line will accept from it.
    if (mqtt)
      out.write(
        `Sparkplug B edge node ${mqtt.groupId}/${mqtt.edgeNodeId} on ${mqtt.servers.join(', ')}; host commands accepted: ${['hold', ...mqtt.commands].join(', ')}\n`,
      );
    return EXIT_OK;
  }
  // Driving the line needs the supervisor, drivers, console, metrics and logs: checking a config
  // needs none of them, so they load only now (prom-client, pino and the rest).
  const { driveLine } = await import('./drive-line.ts');
  return driveLine(loaded, source, options, out, err);
}
