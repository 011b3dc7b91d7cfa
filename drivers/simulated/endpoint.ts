import type { DriveStatus } from '../contract.ts';

/**
 * A drive's answer to a command: done, or refused because an alarm is latched, or (moveTo only)
 * because the power stage is off.
 */
export type EndpointReply =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'alarm'; readonly alarmCode: number }
  | { readonly ok: false; readonly reason: 'not_enabled' };

/**
 * What SimulatedDriver needs from an in-process drive (the simulator's SimulatedDrive has this
 * shape; the composition root passes one in). A request that is lost never settles; the driver's
 * deadline takes care of it. An answer that arrives corrupt (a degrading link) rejects with
 * ModbusGarbledError, as a Modbus transport's would.
 */
export interface SimulatedDriveEndpoint {
  /** Names the axis in error messages. */
  readonly name: string;
  readStatus(): Promise<DriveStatus>;
  moveTo(targetMm: number, speedMmPerS: number): Promise<EndpointReply>;
  hold(): Promise<EndpointReply>;
  enable(): Promise<EndpointReply>;
  disable(): Promise<EndpointReply>;
  resetAlarm(): Promise<EndpointReply>;
}
