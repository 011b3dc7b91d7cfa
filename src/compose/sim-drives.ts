import type { DriveProfile } from '../../protocols/drive-profile.ts';
import { loadDriveProfile } from '../../protocols/profile-schema.ts';
import type { Parity } from '../../protocols/serial-link.ts';
import type { DriveModelParams } from '../../sim/drive-model.ts';
import type { SimEvent } from '../../sim/modbus/sim-events.ts';
import type { BusServoProtocol, SimEndpoint, SimServer } from '../../sim/modbus/sim-server.ts';
import type { Clock } from '../common/clock.ts';

export type { Parity } from '../../protocols/serial-link.ts';
export { parseConsoleLine as parseSimConsoleLine } from '../../sim/modbus/sim-console.ts';
export { describeSimEvent, describeSimStatus, runSimConsoleCommand } from '../../sim/modbus/sim-text.ts';

/** What `axisguard sim` serves: simulated drives of one profile, on a serial port and/or TCP. */
export interface SimDrivesOptions {
  readonly serial: string | undefined;
  readonly baud: number;
  readonly parity: Parity;
  readonly tcp: number | undefined;
  readonly host: string;
  readonly units: readonly number[];
  /** A built-in profile name or a profile file. */
  readonly profile: string;
  readonly seed: number;
  readonly wireTime: boolean;
  /** Answer on the serial port as bus servos of this protocol (ids = `units`) instead of Modbus RTU. */
  readonly busServo?: BusServoProtocol;
  /** As bus servos: echo every received byte, as a one-wire adapter does. */
  readonly echo?: boolean;
}

/** Every simulated axis: a 300 mm/s, 1500 mm/s² axis with a 15 ms servo lag, at 0 mm at power-up. */
const SIM_AXIS: DriveModelParams = { maxSpeedMmPerS: 300, maxAccelMmPerS2: 1500, trackingTimeConstantMs: 15 };

/** The simulated drives, built but not yet reachable: `attach` opens the endpoints. */
export interface SimDrives {
  readonly server: SimServer;
  readonly profile: DriveProfile;
  /** Opens the serial and/or TCP endpoint the options ask for, in that order; rejects when one cannot be opened. */
  attach(onReady: (endpoint: SimEndpoint) => void): Promise<void>;
}

/**
 * Builds `units` simulated drives (one SimulatedDrive each, the same profile) behind one SimServer
 * whose events go to `onEvent`. Throws DriveProfileError for a profile that will not load.
 */
export async function buildSimDrives(options: SimDrivesOptions, clock: Clock, onEvent: (event: SimEvent) => void): Promise<SimDrives> {
  const profile = await loadDriveProfile(options.profile);
  // The simulator's server and drives load only when it runs, not at every start of the CLI.
  const [{ SimServer }, { SimulatedDrive }] = await Promise.all([
    import('../../sim/modbus/sim-server.ts'),
    import('../../sim/simulated-drive.ts'),
  ]);
  const units = options.units.map((unitId) => ({
    unitId,
    profile,
    drive: new SimulatedDrive({ clock, name: `unit ${unitId}`, seed: options.seed + unitId, baseLatencyMs: 0, model: SIM_AXIS }),
  }));
  const server = new SimServer({ clock, units, seed: options.seed });
  server.onEvent(onEvent);
  return {
    server,
    profile,
    async attach(onReady) {
      if (options.serial !== undefined && options.busServo !== undefined) {
        const { serial: path, baud: baudRate, busServo: protocol, wireTime } = options;
        onReady(await server.attachBusServo({ path, baudRate, protocol, wireTime, echo: options.echo ?? false }));
      } else if (options.serial !== undefined) {
        onReady(
          await server.attachSerial({ path: options.serial, baudRate: options.baud, parity: options.parity, wireTime: options.wireTime }),
        );
      }
      if (options.tcp !== undefined) onReady(await server.attachTcp({ host: options.host, port: options.tcp }));
    },
  };
}
