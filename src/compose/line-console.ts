import type { Clock } from '../common/clock.ts';
import type { Event } from '../common/event.ts';
import type { Config } from '../config/index.ts';
import { ConsoleHost } from '../console/console-host.ts';
import { packageVersion } from '../console/version.ts';
import type { SimFaultEvent } from '../events/events.ts';
import type { BuiltLine } from './build-line.ts';
import { serialStreamOpener } from './console-serial.ts';

/**
 * The technician console of a built line, when the config has a console section (not yet started):
 * it sees the supervisor, the simulated drives and the fault schedule's events, and opens its
 * serial port through the project's serialport wrapper.
 */
export function lineConsole(
  config: Config,
  line: Pick<BuiltLine, 'supervisor' | 'simulators'>,
  clock: Clock,
  startMs: number,
  onFault: Event<SimFaultEvent>,
): ConsoleHost | undefined {
  if (!config.console) return undefined;
  return new ConsoleHost({
    config: { ...config, console: config.console },
    supervisor: line.supervisor,
    simulators: line.simulators,
    clock,
    startMs,
    version: packageVersion(),
    events: [onFault],
    openSerial: serialStreamOpener(clock),
  });
}
